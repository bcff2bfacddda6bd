#include "config/load_state.h"

#include <algorithm>
#include <cctype>

#include "config/fields.h"

namespace copycat::config::internal {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Optimal string alignment distance: insertions, deletions, substitutions and adjacent
// transpositions each cost one, so "regoin" is one edit from "region".
size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  for (size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string LoadState::label(std::string_view path) const {
  // List items without their own origin ("includeNamespaces[2]", "pathMap[0].from" when the
  // key is absent) take the origin of the closest enclosing key that has one.
  std::string_view key = path;
  auto it = provenance.find(key);
  while (it == provenance.end()) {
    size_t cut = key.find_last_of(".[");
    if (cut == std::string_view::npos || cut == 0) {
      return std::string(path);
    }
    key = key.substr(0, cut);
    it = provenance.find(key);
  }
  std::string out(path);
  const Origin& origin = it->second;
  if (origin.source == Source::kEnv) {
    return out + " (env " + origin.env_var + ")";
  }
  if (origin.source == Source::kFlag) {
    return out + " (flag)";
  }
  if (origin.source == Source::kFile && origin.line > 0) {
    return out + " (line " + std::to_string(origin.line) + ")";
  }
  return out;
}

std::optional<std::string> closestMatch(std::string_view key,
                                        const std::vector<std::string>& candidates) {
  // Compare last path components, so "ecr.regoin" is measured against "region".
  auto leafOf = [](std::string_view path) {
    auto dot = path.rfind('.');
    return dot == std::string_view::npos ? path : path.substr(dot + 1);
  };
  std::string_view key_leaf = leafOf(key);
  // Keys are short; a third of the length (at least two edits) catches typos without
  // suggesting unrelated names.
  size_t budget = std::max<size_t>(2, key_leaf.size() / 3);
  std::optional<std::string> best;
  size_t best_distance = budget + 1;
  for (const auto& candidate : candidates) {
    size_t distance = editDistance(key_leaf, leafOf(candidate));
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string unknownKeyMessage(std::string_view key, const std::vector<std::string>& candidates) {
  std::string message = "unknown key " + quote(key);
  if (auto match = closestMatch(key, candidates)) {
    message += " (did you mean " + quote(*match) + "?)";
  }
  return message;
}

}  // namespace copycat::config::internal

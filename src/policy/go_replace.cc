#include "policy/go_replace.h"

#include <optional>
#include <vector>

namespace copycat::policy {
namespace {

bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

struct TemplateRef {
  std::string_view name;
  int num = -1;  // group number, or -1 when `name` must be looked up by name
  std::string_view rest;
};

// Go regexp.extract: parses "name" or "{name}" after a '$'.
std::optional<TemplateRef> extractRef(std::string_view s) {
  if (s.empty()) {
    return std::nullopt;
  }
  bool brace = false;
  if (s.front() == '{') {
    brace = true;
    s.remove_prefix(1);
  }
  size_t i = 0;
  while (i < s.size() && isNameChar(s[i])) {
    ++i;
  }
  if (i == 0) {
    return std::nullopt;  // an empty name is malformed
  }
  TemplateRef ref;
  ref.name = s.substr(0, i);
  if (brace) {
    if (i >= s.size() || s[i] != '}') {
      return std::nullopt;  // missing closing brace
    }
    ++i;
  }
  ref.num = 0;
  for (char c : ref.name) {
    if (c < '0' || c > '9' || ref.num >= 100000000) {
      ref.num = -1;
      break;
    }
    ref.num = ref.num * 10 + (c - '0');
  }
  if (ref.name.front() == '0' && ref.name.size() > 1) {
    ref.num = -1;  // leading zeros make it a name, as in Go
  }
  ref.rest = s.substr(i);
  return ref;
}

int groupIndex(const re2::RE2& re, const TemplateRef& ref) {
  if (ref.num >= 0) {
    return ref.num;
  }
  const auto& names = re.NamedCapturingGroups();
  auto it = names.find(std::string(ref.name));
  return it == names.end() ? -1 : it->second;
}

bool isContinuation(unsigned char c, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
  return c >= lo && c <= hi;
}

// Width of the UTF-8 sequence at `pos` as Go's utf8.DecodeRuneInString reports it: 0 at the
// end, 1 for an invalid or truncated sequence.
size_t runeWidth(std::string_view s, size_t pos) {
  if (pos >= s.size()) {
    return 0;
  }
  auto at = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = at(pos);
  size_t avail = s.size() - pos;
  if (c < 0x80) {
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    return avail >= 2 && isContinuation(at(pos + 1)) ? 2 : 1;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
    unsigned char hi = c == 0xED ? 0x9F : 0xBF;
    bool ok = avail >= 3 && isContinuation(at(pos + 1), lo, hi) && isContinuation(at(pos + 2));
    return ok ? 3 : 1;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
    bool ok = avail >= 4 && isContinuation(at(pos + 1), lo, hi) && isContinuation(at(pos + 2)) &&
              isContinuation(at(pos + 3));
    return ok ? 4 : 1;
  }
  return 1;
}

}  // namespace

void goExpand(std::string& out, std::string_view tmpl, const re2::RE2& re,
              const re2::StringPiece* groups, int group_count) {
  while (!tmpl.empty()) {
    size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) {
      break;
    }
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl.front() == '$') {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    std::optional<TemplateRef> ref = extractRef(tmpl);
    if (!ref) {
      out += '$';  // malformed: the '$' is literal and the text after it is kept
      continue;
    }
    tmpl = ref->rest;
    int index = groupIndex(re, *ref);
    if (index >= 0 && index < group_count && groups[index].data() != nullptr) {
      out.append(groups[index].data(), groups[index].size());
    }
  }
  out.append(tmpl);
}

std::string goReplaceAll(const re2::RE2& re, std::string_view src, std::string_view tmpl) {
  const std::string text(src);  // a non-null buffer, so match offsets are well defined
  const int group_count = 1 + re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> groups(static_cast<size_t>(group_count));
  std::string out;
  size_t last_match_end = 0;
  size_t search_pos = 0;
  while (search_pos <= text.size()) {
    if (!re.Match(text, search_pos, text.size(), re2::RE2::UNANCHORED, groups.data(),
                  group_count)) {
      break;
    }
    size_t begin = static_cast<size_t>(groups[0].data() - text.data());
    size_t end = begin + groups[0].size();
    out.append(text, last_match_end, begin - last_match_end);
    // Go: no replacement for an empty match directly after the previous match.
    if (end > last_match_end || begin == 0) {
      goExpand(out, tmpl, re, groups.data(), group_count);
    }
    last_match_end = end;
    size_t width = runeWidth(text, search_pos);
    if (search_pos + width > end) {
      search_pos += width;
    } else if (search_pos + 1 > end) {
      ++search_pos;  // only at the end of the input, where the width is 0
    } else {
      search_pos = end;
    }
  }
  out.append(text, last_match_end);
  return out;
}

}  // namespace copycat::policy

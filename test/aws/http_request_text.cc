#include "http_request_text.h"

#include "base/strings.h"

namespace copycat::aws::suite {
namespace {

std::vector<std::string_view> splitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.push_back(line);
    if (end == text.size()) {
      break;
    }
    start = end + 1;
  }
  return lines;
}

sigv4::Pairs parseQuery(std::string_view raw) {
  sigv4::Pairs out;
  for (const auto& piece : strings::split(raw, '&')) {
    if (piece.empty()) {
      continue;
    }
    size_t eq = piece.find('=');
    std::string_view name = std::string_view(piece).substr(0, eq);
    std::string_view value =
        eq == std::string::npos ? std::string_view() : std::string_view(piece).substr(eq + 1);
    out.emplace_back(sigv4::percentDecode(name), sigv4::percentDecode(value));
  }
  return out;
}

Status parseRequestLine(std::string_view line, HttpRequestText& out) {
  size_t first = line.find(' ');
  size_t last = line.rfind(' ');
  if (first == std::string_view::npos || first == last) {
    return fail(ErrorCode::kInvalidArgument, "bad request line: " + std::string(line));
  }
  out.method = std::string(line.substr(0, first));
  out.target = std::string(line.substr(first + 1, last - first - 1));
  out.version = std::string(line.substr(last + 1));
  size_t question = out.target.find('?');
  out.path = out.target.substr(0, question);
  if (question != std::string::npos) {
    out.raw_query = out.target.substr(question + 1);
    out.query = parseQuery(out.raw_query);
  }
  return ok();
}

}  // namespace

Result<HttpRequestText> parseHttpRequestText(std::string_view text) {
  std::vector<std::string_view> lines = splitLines(text);
  HttpRequestText out;
  RETURN_IF_ERROR(parseRequestLine(lines.at(0), out));
  size_t i = 1;
  for (; i < lines.size() && !lines[i].empty(); ++i) {
    std::string_view line = lines[i];
    out.header_lines.emplace_back(line);
    if (line.front() == ' ' || line.front() == '\t') {
      if (out.headers.empty()) {
        return fail(ErrorCode::kInvalidArgument, "continuation line before any header");
      }
      // RFC 7230 section 3.2.4: an obs-fold is replaced by a space before interpretation.
      out.headers.back().second += ' ';
      out.headers.back().second += strings::trim(line);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return fail(ErrorCode::kInvalidArgument, "header line without colon: " + std::string(line));
    }
    out.headers.emplace_back(std::string(line.substr(0, colon)),
                             std::string(line.substr(colon + 1)));
  }
  // Everything after the blank line is the body, byte for byte.
  for (size_t j = i + 1; j < lines.size(); ++j) {
    if (j > i + 1) {
      out.body += '\n';
    }
    out.body += lines[j];
  }
  return out;
}

std::string printSignedRequest(const HttpRequestText& request, std::string_view target,
                               const sigv4::Pairs& added, SignedRequestLayout layout) {
  std::vector<std::string> lines;
  lines.push_back(request.method + ' ' + std::string(target) + ' ' + request.version);
  lines.insert(lines.end(), request.header_lines.begin(), request.header_lines.end());
  for (const auto& [name, value] : added) {
    bool spaced = layout == SignedRequestLayout::kClassic && name == "Authorization";
    lines.push_back(name + (spaced ? ": " : ":") + value);
  }
  if (layout == SignedRequestLayout::kClassic) {
    std::string out = strings::join(lines, "\n");
    if (!request.body.empty()) {
      out += "\n\n" + request.body;
    }
    return out;
  }
  std::string out;
  for (const auto& line : lines) {
    out += line + '\n';
  }
  return out + '\n' + request.body;
}

}  // namespace copycat::aws::suite

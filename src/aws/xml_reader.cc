#include "aws/xml_reader.h"

#include <cctype>
#include <cstdint>

namespace copycat::aws {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// XML NameStartChar/NameChar restricted to ASCII, plus any non-ASCII byte (UTF-8 names).
bool isNameStart(char c) {
  auto u = static_cast<unsigned char>(c);
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || u >= 0x80;
}
bool isNameChar(char c) { return isNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Recursive descent over the document; depth is bounded by kMaxXmlDepth.
class XmlParser {
 public:
  explicit XmlParser(std::string_view text) : s_(text) {}

  Result<XmlElement> document() {
    RETURN_IF_ERROR(misc(true));
    if (!startsWith("<") || startsWith("</")) {
      return error("expected the root element");
    }
    XmlElement root;
    RETURN_IF_ERROR(element(root, 1));
    RETURN_IF_ERROR(misc(false));
    if (pos_ != s_.size()) {
      return error("content after the root element");
    }
    return root;
  }

 private:
  tl::unexpected<Error> error(std::string_view what) const {
    return fail(ErrorCode::kProtocol,
                "malformed xml at byte " + std::to_string(pos_) + ": " + std::string(what));
  }
  bool startsWith(std::string_view prefix) const { return s_.substr(pos_).starts_with(prefix); }
  void skipSpace() {
    while (pos_ < s_.size() && isSpace(s_[pos_])) {
      ++pos_;
    }
  }
  // Skips up to and including `terminator`.
  Status skipPast(std::string_view terminator, std::string_view what) {
    size_t end = s_.find(terminator, pos_);
    if (end == std::string_view::npos) {
      return error(std::string("unterminated ") + std::string(what));
    }
    pos_ = end + terminator.size();
    return ok();
  }

  // Whitespace, comments and processing instructions around the root element.
  Status misc(bool prolog) {
    while (true) {
      skipSpace();
      if (startsWith("<?")) {
        RETURN_IF_ERROR(skipPast("?>", "processing instruction"));
      } else if (startsWith("<!--")) {
        RETURN_IF_ERROR(skipPast("-->", "comment"));
      } else if (prolog && startsWith("<!")) {
        return error("doctype and declarations are not supported");
      } else {
        return ok();
      }
    }
  }

  Result<std::string> name() {
    size_t start = pos_;
    if (pos_ >= s_.size() || !isNameStart(s_[pos_])) {
      return error("expected a name");
    }
    while (pos_ < s_.size() && isNameChar(s_[pos_])) {
      ++pos_;
    }
    return std::string(s_.substr(start, pos_ - start));
  }

  // name="value" pairs up to '>' or '/>'; values are checked, not kept.
  Status attributes() {
    while (true) {
      bool spaced = pos_ < s_.size() && isSpace(s_[pos_]);
      skipSpace();
      if (startsWith(">") || startsWith("/>")) {
        return ok();
      }
      if (!spaced) {
        return error("expected whitespace before an attribute");
      }
      RETURN_IF_ERROR(name());
      skipSpace();
      if (!startsWith("=")) {
        return error("expected '=' after an attribute name");
      }
      ++pos_;
      skipSpace();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
        return error("expected a quoted attribute value");
      }
      char quote = s_[pos_++];
      size_t end = s_.find(quote, pos_);
      if (end == std::string_view::npos) {
        return error("unterminated attribute value");
      }
      std::string ignored;
      std::string_view value = s_.substr(pos_, end - pos_);
      if (value.find('<') != std::string_view::npos) {
        return error("'<' in an attribute value");
      }
      RETURN_IF_ERROR(decode(value, ignored));
      pos_ = end + 1;
    }
  }

  Status element(XmlElement& out, size_t depth) {
    if (depth > kMaxXmlDepth) {
      return error("elements nested too deeply");
    }
    ++pos_;  // '<'
    ASSIGN_OR_RETURN(std::string qname, name());
    RETURN_IF_ERROR(attributes());
    size_t colon = qname.rfind(':');
    out.name = colon == std::string::npos ? qname : qname.substr(colon + 1);
    if (startsWith("/>")) {
      pos_ += 2;
      return ok();
    }
    ++pos_;  // '>'
    RETURN_IF_ERROR(content(out, depth));
    // At "</".
    pos_ += 2;
    ASSIGN_OR_RETURN(std::string closing, name());
    if (closing != qname) {
      return error("end tag </" + closing + "> does not match <" + qname + ">");
    }
    skipSpace();
    if (!startsWith(">")) {
      return error("expected '>' after an end tag name");
    }
    ++pos_;
    return ok();
  }

  // Character data, CDATA, comments, PIs and child elements, up to this element's "</".
  Status content(XmlElement& out, size_t depth) {
    while (true) {
      size_t lt = s_.find('<', pos_);
      if (lt == std::string_view::npos) {
        return error("unterminated element <" + out.name + ">");
      }
      RETURN_IF_ERROR(decode(s_.substr(pos_, lt - pos_), out.text));
      pos_ = lt;
      if (startsWith("</")) {
        return ok();
      }
      if (startsWith("<![CDATA[")) {
        size_t start = pos_ + 9;
        RETURN_IF_ERROR(skipPast("]]>", "cdata section"));
        out.text.append(s_.substr(start, pos_ - 3 - start));
      } else if (startsWith("<!--")) {
        RETURN_IF_ERROR(skipPast("-->", "comment"));
      } else if (startsWith("<?")) {
        RETURN_IF_ERROR(skipPast("?>", "processing instruction"));
      } else if (startsWith("<!")) {
        return error("declarations are not allowed inside elements");
      } else {
        out.children.emplace_back();
        RETURN_IF_ERROR(element(out.children.back(), depth + 1));
      }
    }
  }

  // Appends `raw` with its entity and character references decoded.
  Status decode(std::string_view raw, std::string& out) const {
    size_t i = 0;
    while (i < raw.size()) {
      size_t amp = raw.find('&', i);
      std::string_view plain = raw.substr(i, amp == std::string_view::npos ? amp : amp - i);
      if (plain.find("]]>") != std::string_view::npos) {
        return error("']]>' in character data");
      }
      out.append(plain);
      if (amp == std::string_view::npos) {
        return ok();
      }
      size_t semi = raw.find(';', amp);
      if (semi == std::string_view::npos || semi - amp > 10) {
        return error("unterminated entity reference");
      }
      RETURN_IF_ERROR(reference(raw.substr(amp + 1, semi - amp - 1), out));
      i = semi + 1;
    }
    return ok();
  }

  Status reference(std::string_view ref, std::string& out) const {
    constexpr std::pair<std::string_view, char> kNamed[] = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    for (const auto& [entity, c] : kNamed) {
      if (ref == entity) {
        out += c;
        return ok();
      }
    }
    if (ref.size() < 2 || ref[0] != '#') {
      return error("unknown entity &" + std::string(ref) + ";");
    }
    bool hex = ref[1] == 'x';
    std::string_view digits = ref.substr(hex ? 2 : 1);
    uint32_t cp = 0;
    for (char c : digits) {
      int v = std::isxdigit(static_cast<unsigned char>(c)) == 0 ? -1
              : c <= '9'                                        ? c - '0'
                                                                : (c | 0x20) - 'a' + 10;
      if (v < 0 || (!hex && v > 9)) {
        return error("bad character reference");
      }
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
    }
    bool valid = !digits.empty() && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) &&
                 (cp >= 0x20 || cp == 0x9 || cp == 0xA || cp == 0xD);
    if (!valid) {
      return error("character reference out of range");
    }
    appendUtf8(out, cp);
    return ok();
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

const XmlElement* XmlElement::child(std::string_view child_name) const {
  for (const XmlElement& c : children) {
    if (c.name == child_name) {
      return &c;
    }
  }
  return nullptr;
}

const XmlElement* XmlElement::find(std::initializer_list<std::string_view> path) const {
  const XmlElement* at = this;
  for (std::string_view step : path) {
    at = at->child(step);
    if (at == nullptr) {
      return nullptr;
    }
  }
  return at;
}

std::string XmlElement::textAt(std::initializer_list<std::string_view> path) const {
  const XmlElement* at = find(path);
  return at == nullptr ? std::string() : at->text;
}

Result<XmlElement> parseXml(std::string_view text) {
  if (text.size() > kMaxXmlBytes) {
    return fail(ErrorCode::kProtocol, "xml document too large");
  }
  // A UTF-8 byte order mark is allowed before the prolog.
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
  }
  return XmlParser(text).document();
}

}  // namespace copycat::aws

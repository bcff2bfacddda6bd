// Independent SigV4 verification: see fake_aws_sigv4.h for why this does not reuse src/aws/.
#include "support/fake_aws_sigv4.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace copycat::testing::sigv4check {
namespace {

std::string hex(const unsigned char* data, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xF];
  }
  return out;
}

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &n);
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

std::string encode(std::string_view s, bool keep_slash) {
  std::string out;
  for (unsigned char c : s) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Segments without "", "." and ".." (which pops); a trailing slash survives.
std::string canonicalPath(std::string_view raw) {
  std::vector<std::string> kept;
  size_t start = 0;
  while (start <= raw.size()) {
    size_t slash = raw.find('/', start);
    std::string segment(
        raw.substr(start, slash == std::string_view::npos ? raw.npos : slash - start));
    if (segment == "..") {
      if (!kept.empty()) {
        kept.pop_back();
      }
    } else if (!segment.empty() && segment != ".") {
      kept.push_back(segment);
    }
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  std::string path = "/";
  for (size_t i = 0; i < kept.size(); ++i) {
    path += (i == 0 ? "" : "/") + kept[i];
  }
  if (!kept.empty() && raw.ends_with("/")) {
    path += "/";
  }
  return encode(path, true);
}

std::string canonicalQuery(std::string_view raw) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t start = 0;
  while (start < raw.size()) {
    size_t amp = raw.find('&', start);
    std::string_view piece =
        raw.substr(start, amp == std::string_view::npos ? raw.npos : amp - start);
    if (!piece.empty()) {
      size_t eq = piece.find('=');
      std::string name = decode(piece.substr(0, eq));
      std::string value = eq == std::string_view::npos ? "" : decode(piece.substr(eq + 1));
      params.emplace_back(encode(name, false), encode(value, false));
    }
    if (amp == std::string_view::npos) {
      break;
    }
    start = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    out += (out.empty() ? "" : "&") + name + "=" + value;
  }
  return out;
}

// Trims and folds runs of whitespace into one space.
std::string foldValue(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out += ' ';
      pending_space = false;
    }
    out += c;
  }
  return out;
}

std::string field(std::string_view header, std::string_view key) {
  size_t at = header.find(key);
  if (at == std::string_view::npos) {
    return {};
  }
  at += key.size();
  size_t end = header.find_first_of(", ", at);
  return std::string(header.substr(at, end == std::string_view::npos ? header.npos : end - at));
}

}  // namespace

std::string sha256Hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, EVP_sha256(), nullptr);
  return hex(out, n);
}

std::optional<Authorization> parseAuthorization(std::string_view header) {
  constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256 ";
  if (!header.starts_with(kAlgorithm)) {
    return std::nullopt;
  }
  std::string credential = field(header, "Credential=");
  std::string signed_headers = field(header, "SignedHeaders=");
  Authorization out;
  out.signature = field(header, "Signature=");
  std::vector<std::string> scope;
  size_t start = 0;
  while (true) {
    size_t slash = credential.find('/', start);
    scope.push_back(credential.substr(start, slash == std::string::npos ? slash : slash - start));
    if (slash == std::string::npos) {
      break;
    }
    start = slash + 1;
  }
  if (scope.size() != 5 || signed_headers.empty() || out.signature.size() != 64) {
    return std::nullopt;
  }
  out.access_key_id = scope[0];
  out.date = scope[1];
  out.region = scope[2];
  out.service = scope[3];
  out.terminator = scope[4];
  start = 0;
  while (start <= signed_headers.size()) {
    size_t semi = signed_headers.find(';', start);
    out.signed_headers.push_back(
        signed_headers.substr(start, semi == std::string::npos ? semi : semi - start));
    if (semi == std::string::npos) {
      break;
    }
    start = semi + 1;
  }
  return out;
}

Computed computeSignature(const RequestView& request, const Authorization& auth,
                          std::string_view secret, std::string_view amz_date) {
  Computed out;
  std::string_view target = request.target;
  size_t q = target.find('?');
  std::string creq = request.method + "\n" + canonicalPath(target.substr(0, q)) + "\n" +
                     (q == std::string_view::npos ? "" : canonicalQuery(target.substr(q + 1))) +
                     "\n";
  std::vector<std::string> names = auth.signed_headers;
  for (const std::string& name : names) {
    std::string joined;
    bool found = false;
    for (const auto& [header_name, value] : request.headers) {
      if (lower(header_name) == name) {
        joined += (found ? "," : "") + foldValue(value);
        found = true;
      }
    }
    if (!found) {
      out.error = "signed header " + name + " is missing";
      return out;
    }
    creq += name + ":" + joined + "\n";
  }
  std::string signed_list;
  for (const std::string& name : names) {
    signed_list += (signed_list.empty() ? "" : ";") + name;
  }
  creq += "\n" + signed_list + "\n" + sha256Hex(request.body);
  std::string scope = auth.date + "/" + auth.region + "/" + auth.service + "/" + auth.terminator;
  out.string_to_sign =
      "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + scope + "\n" + sha256Hex(creq);
  std::string key = hmac("AWS4" + std::string(secret), auth.date);
  key = hmac(key, auth.region);
  key = hmac(key, auth.service);
  key = hmac(key, auth.terminator);
  std::string raw = hmac(key, out.string_to_sign);
  out.signature = hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  out.canonical_request = std::move(creq);
  return out;
}

}  // namespace copycat::testing::sigv4check

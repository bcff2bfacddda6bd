#include "support/fake_api_objects.h"

#include <array>
#include <chrono>
#include <ctime>

#include <simdjson.h>

namespace copycat::testing::fakeapi {
namespace {

const std::vector<ResourceInfo> kResources = {
    {"pods", "", "v1", "Pod", true},
    {"nodes", "", "v1", "Node", false},
    {"namespaces", "", "v1", "Namespace", false},
    {"events", "", "v1", "Event", true},
    {"deployments", "apps", "v1", "Deployment", true},
    {"statefulsets", "apps", "v1", "StatefulSet", true},
    {"daemonsets", "apps", "v1", "DaemonSet", true},
    {"replicasets", "apps", "v1", "ReplicaSet", true},
    {"jobs", "batch", "v1", "Job", true},
    {"cronjobs", "batch", "v1", "CronJob", true},
    {"leases", "coordination.k8s.io", "v1", "Lease", true},
};

constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64UrlEncode(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kB64[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) {
    out.push_back(kB64[(acc << (6 - bits)) & 63]);
  }
  return out;
}

std::optional<std::string> base64UrlDecode(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    auto pos = kB64.find(c);
    if (pos == std::string_view::npos) {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::string_view trimRight(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string jsonString(std::string_view s) { return nlohmann::json(std::string(s)).dump(); }

ApiResult<std::string> minify(std::string_view json) {
  std::string out(json.size(), '\0');
  size_t len = 0;
  if (simdjson::minify(json.data(), json.size(), out.data(), len) != simdjson::SUCCESS) {
    return apiError(400, "BadRequest", "the request body is not valid JSON");
  }
  out.resize(len);
  return out;
}

// Walks metadata's fields, recording what the store needs and where the resourceVersion is.
ApiResult<void> scanMetadata(simdjson::ondemand::value value, const char* base, ParsedObject& out) {
  simdjson::ondemand::object meta;
  if (value.get_object().get(meta) != simdjson::SUCCESS) {
    return apiError(400, "BadRequest", "metadata must be an object");
  }
  for (auto field : meta) {
    std::string_view key;
    simdjson::ondemand::value v;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS ||
        field.value().get(v) != simdjson::SUCCESS) {
      return apiError(400, "BadRequest", "invalid metadata");
    }
    std::string_view text;
    if (key == "resourceVersion") {
      std::string_view raw = trimRight(v.raw_json_token());
      out.rv_begin = static_cast<size_t>(raw.data() - base);
      out.rv_end = out.rv_begin + raw.size();
      out.resource_version =
          std::string(raw.size() >= 2 && raw.front() == '"' ? raw.substr(1, raw.size() - 2) : raw);
    } else if (key == "name" && v.get_string().get(text) == simdjson::SUCCESS) {
      out.name = std::string(text);
    } else if (key == "namespace" && v.get_string().get(text) == simdjson::SUCCESS) {
      out.ns = std::string(text);
      out.has_namespace = true;
    } else if (key == "generateName" && v.get_string().get(text) == simdjson::SUCCESS) {
      out.generate_name = std::string(text);
    } else if (key == "uid") {
      out.has_uid = true;
    } else if (key == "creationTimestamp") {
      out.has_creation_timestamp = true;
    }
  }
  return {};
}

}  // namespace

std::string ResourceInfo::apiVersion() const {
  return group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
}

std::string ResourceInfo::qualified() const {
  return group.empty() ? std::string(name) : std::string(name) + "." + std::string(group);
}

const ResourceInfo* findResource(std::string_view name) {
  for (const auto& r : kResources) {
    if (r.name == name) {
      return &r;
    }
  }
  return nullptr;
}

const std::vector<ResourceInfo>& allResources() { return kResources; }

std::string statusJson(const ApiError& error) {
  nlohmann::ordered_json status;
  status["kind"] = "Status";
  status["apiVersion"] = "v1";
  status["metadata"] = nlohmann::ordered_json::object();
  status["status"] = "Failure";
  status["message"] = error.message;
  status["reason"] = error.reason;
  if (!error.details.is_null()) {
    status["details"] = error.details;
  }
  status["code"] = error.code;
  return status.dump();
}

ApiResult<ParsedObject> parseObject(std::string_view json) {
  ParsedObject out;
  auto minified = minify(json);
  if (!minified) {
    return tl::unexpected(minified.error());
  }
  out.text = std::move(*minified);
  thread_local simdjson::dom::parser validator;
  if (validator.parse(out.text).error() != simdjson::SUCCESS) {
    return apiError(400, "BadRequest", "the request body is not valid JSON");
  }
  thread_local simdjson::ondemand::parser parser;
  simdjson::padded_string padded(out.text);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(obj) != simdjson::SUCCESS) {
    return apiError(400, "BadRequest", "the request body must be a JSON object");
  }
  bool has_meta = false;
  for (auto field : obj) {
    std::string_view key;
    simdjson::ondemand::value v;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS ||
        field.value().get(v) != simdjson::SUCCESS) {
      return apiError(400, "BadRequest", "the request body is not valid JSON");
    }
    if (key == "kind") {
      out.has_kind = true;
    } else if (key == "metadata") {
      has_meta = true;
      out.meta_open = static_cast<size_t>(v.raw_json_token().data() - padded.data());
      auto scanned = scanMetadata(v, padded.data(), out);
      if (!scanned) {
        return tl::unexpected(scanned.error());
      }
    }
  }
  if (!has_meta || out.text[out.meta_open] != '{') {
    return apiError(400, "BadRequest", "the object has no metadata");
  }
  return out;
}

StoredObject makeStored(const ParsedObject& parsed, const std::string& ns, const std::string& name,
                        const std::string& uid, const std::string& creation_timestamp,
                        uint64_t rv) {
  StoredObject s;
  s.ns = ns;
  s.name = name;
  s.uid = uid;
  s.creation_timestamp = creation_timestamp;
  s.rv = rv;
  s.has_kind = parsed.has_kind;
  const std::string digits = std::to_string(rv);
  const std::string& t = parsed.text;
  std::string inserted;
  auto add = [&inserted](std::string_view key, std::string_view value) {
    inserted += (inserted.empty() ? "" : ",") + jsonString(key) + ":" + jsonString(value);
  };
  if (parsed.name.empty() && !name.empty()) add("name", name);
  if (!parsed.has_namespace && !ns.empty()) add("namespace", ns);
  if (!parsed.has_uid) add("uid", uid);
  if (!parsed.has_creation_timestamp) add("creationTimestamp", creation_timestamp);
  size_t rv_in_insert = std::string::npos;
  if (!parsed.resource_version) {
    inserted += inserted.empty() ? "" : ",";
    rv_in_insert = inserted.size() + std::string_view("\"resourceVersion\":\"").size();
    inserted += "\"resourceVersion\":\"" + digits + "\"";
  }
  const size_t after_open = parsed.meta_open + 1;
  const bool meta_empty = t[after_open] == '}';
  s.json.reserve(t.size() + inserted.size() + 16);
  s.json.append(t, 0, after_open);
  s.json += inserted;
  if (!inserted.empty() && !meta_empty) s.json += ",";
  if (parsed.resource_version) {
    s.json.append(t, after_open, parsed.rv_begin - after_open);
    s.rv_pos = s.json.size() + 1;
    s.json += "\"" + digits + "\"";
    s.json.append(t, parsed.rv_end, std::string::npos);
  } else {
    s.rv_pos = after_open + rv_in_insert;
    s.json.append(t, after_open, std::string::npos);
  }
  s.rv_len = digits.size();
  return s;
}

ObjectPtr withResourceVersion(const StoredObject& object, uint64_t rv) {
  auto copy = std::make_shared<StoredObject>(object);
  const std::string digits = std::to_string(rv);
  copy->json.replace(copy->rv_pos, copy->rv_len, digits);
  copy->rv_len = digits.size();
  copy->rv = rv;
  return copy;
}

std::string wireJson(const StoredObject& object, const ResourceInfo& resource) {
  if (object.has_kind) {
    return object.json;
  }
  return "{\"kind\":\"" + std::string(resource.kind) + "\",\"apiVersion\":\"" +
         resource.apiVersion() + "\"," + object.json.substr(1);
}

std::string encodeContinue(const ContinueToken& token) {
  nlohmann::ordered_json j;
  j["v"] = "meta.k8s.io/v1";
  j["rv"] = token.rv;
  j["start"] = token.start;
  j["n"] = token.emitted;
  j["e"] = token.epoch;
  return base64UrlEncode(j.dump());
}

std::optional<ContinueToken> decodeContinue(std::string_view text) {
  auto raw = base64UrlDecode(text);
  if (!raw) {
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(*raw, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("v", "") != "meta.k8s.io/v1" ||
      !j.contains("rv") || !j["rv"].is_number_integer() || !j.contains("start") ||
      !j["start"].is_string()) {
    return std::nullopt;
  }
  ContinueToken token;
  token.rv = j["rv"].get<int64_t>();
  token.start = j["start"].get<std::string>();
  token.emitted = j.value("n", uint64_t{0});
  token.epoch = j.value("e", uint64_t{0});
  return token;
}

std::string nowTimestamp() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf.data();
}

}  // namespace copycat::testing::fakeapi

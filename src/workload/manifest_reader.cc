#include "workload/manifest_reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <system_error>

#include <simdjson.h>

#include "workload/json_walk.h"
#include "workload/summary_extractor.h"
#include "workload/yaml_json.h"

namespace copycat::workload {
namespace {

namespace fs = std::filesystem;
using detail::Object;
using detail::Path;
using detail::Value;

constexpr int kMaxListNesting = 8;  // a List of Lists is legal; deeper is surely a mistake

// apimachinery's unstructured decoder treats a kind ending in "List" that has "items" as a
// list; items without a kind take the list kind minus "List" ("DeploymentList" -> "Deployment").
bool isListKind(std::string_view kind) { return kind.size() >= 4 && kind.ends_with("List"); }

bool isManifestExtension(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

std::string withPrefix(const Path& path, std::string_view reason) {
  std::string where = path.str();
  return where.empty() ? std::string(reason) : where + ": " + std::string(reason);
}

// Reads documents into summaries; owns one simdjson parser for all of them. Not thread-safe.
class Reader {
 public:
  Reader(const ReadOptions& options, ReadResult& out) : options_(options), out_(out) {}

  void readPath(const std::string& path);
  void readText(std::string_view text, const std::string& file, ManifestFormat format);

 private:
  void readFile(const fs::path& path);
  void readJson(std::string& json, const std::string& file, size_t document);
  Status visitDocument(simdjson::padded_string_view json);
  Status visitObject(Object& object, const Path& path, std::string_view default_kind, int depth,
                     size_t item);
  Status visitItems(Value& items, const Path& path, std::string_view item_kind, int depth);
  void problem(const std::string& file, size_t document, std::string reason) {
    out_.problems.push_back({file, document, std::move(reason)});
  }

  const ReadOptions& options_;
  ReadResult& out_;
  simdjson::ondemand::parser parser_;
  // The document being read, for objects and item problems found while visiting it.
  const std::string* file_ = nullptr;
  size_t document_ = 0;
};

void Reader::readPath(const std::string& path) {
  if (path == "-") {  // kubectl -f -: standard input, JSON or YAML (YAML accepts JSON)
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    readText(text, path, ManifestFormat::kYaml);
    return;
  }
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (ec) {
    problem(path, 0, ec.message());
    return;
  }
  if (!fs::is_directory(status)) {
    readFile(path);
    return;
  }
  std::vector<fs::path> files;
  fs::recursive_directory_iterator it(path, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && isManifestExtension(it->path())) {
      files.push_back(it->path());
    }
  }
  if (ec) {
    problem(path, 0, ec.message());
  }
  // path comparison is per component, as a directory walk in name order visits them.
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    readFile(file);
  }
}

void Reader::readFile(const fs::path& path) {
  const std::string file = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problem(file, 0, "cannot open file");
    return;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    problem(file, 0, "cannot read file");
    return;
  }
  readText(text, file, path.extension() == ".json" ? ManifestFormat::kJson : ManifestFormat::kYaml);
}

void Reader::readText(std::string_view text, const std::string& file, ManifestFormat format) {
  if (format == ManifestFormat::kJson) {
    std::string json(text);
    readJson(json, file, 1);
    return;
  }
  std::vector<YamlDocument> docs = splitYamlDocuments(text);
  for (size_t i = 0; i < docs.size(); ++i) {
    Result<std::string> json = yamlToJson(docs[i].text, docs[i].first_line);
    if (!json) {
      problem(file, i + 1, json.error().message);
      continue;
    }
    if (*json != "null") {  // empty documents are skipped, as kubectl does
      readJson(*json, file, i + 1);
    }
  }
}

void Reader::readJson(std::string& json, const std::string& file, size_t document) {
  const size_t size = json.size();
  json.reserve(size + simdjson::SIMDJSON_PADDING);
  file_ = &file;
  document_ = document;
  Status status = visitDocument(simdjson::padded_string_view(json.data(), size, json.capacity()));
  if (!status) {
    problem(file, document, status.error().message);
  }
}

Status Reader::visitDocument(simdjson::padded_string_view json) {
  Path root;
  simdjson::ondemand::document doc;
  if (auto err = parser_.iterate(json).get(doc)) {
    return fail(detail::jsonError(root, err));
  }
  simdjson::ondemand::json_type type;
  if (auto err = doc.type().get(type)) {
    return fail(detail::jsonError(root, err));
  }
  if (type != simdjson::ondemand::json_type::object) {
    return fail(detail::typeError(root, "an object", type));
  }
  // A first pass over the structure rejects trailing content before anything is emitted.
  if (auto err = doc.raw_json().error()) {
    return fail(detail::jsonError(root, err));
  }
  if (!doc.current_location().error()) {
    return fail(ErrorCode::kInvalidArgument, "invalid json (content after the object)");
  }
  doc.rewind();
  Object object;
  if (auto err = doc.get_object().get(object)) {
    return fail(detail::jsonError(root, err));
  }
  return visitObject(object, root, {}, 0, 0);
}

Status Reader::visitObject(Object& object, const Path& path, std::string_view default_kind,
                           int depth, size_t item) {
  std::string_view kind = default_kind;
  Value value;
  auto err = object.find_field_unordered("kind").get(value);
  if (err == simdjson::SUCCESS) {
    RETURN_IF_ERROR(detail::readText(value, Path{&path, "kind"}, kind));
  } else if (err != simdjson::NO_SUCH_FIELD) {
    return fail(detail::jsonError(path, err));
  }
  if (isListKind(kind) && depth < kMaxListNesting) {
    err = object.find_field_unordered("items").get(value);
    if (err == simdjson::SUCCESS) {
      return visitItems(value, Path{&path, "items"}, kind.substr(0, kind.size() - 4), depth);
    }
    if (err != simdjson::NO_SUCH_FIELD) {
      return fail(detail::jsonError(path, err));
    }
  }
  if (auto reset_err = object.reset().error()) {
    return fail(detail::jsonError(path, reset_err));
  }
  Result<WorkloadSummary> summary = extractSummary(object, default_kind);
  if (!summary) {
    return fail(ErrorCode::kInvalidArgument, withPrefix(path, summary.error().message));
  }
  if (summary->kind_name.empty()) {
    return fail(ErrorCode::kInvalidArgument, withPrefix(path, "missing kind"));
  }
  if (carriesPods(summary->kind) && summary->namespace_name.empty()) {
    summary->namespace_name = options_.default_namespace;
  }
  out_.objects.push_back({*file_, document_, item, std::move(*summary)});
  return ok();
}

// A bad item is reported on its own and the next item is still read; On-Demand skips whatever
// the failed item left unread when the array advances.
Status Reader::visitItems(Value& items, const Path& path, std::string_view item_kind, int depth) {
  simdjson::ondemand::json_type type;
  if (auto err = items.type().get(type)) {
    return fail(detail::jsonError(path, err));
  }
  if (type == simdjson::ondemand::json_type::null) {
    return ok();
  }
  if (type != simdjson::ondemand::json_type::array) {
    return fail(detail::typeError(path, "an array", type));
  }
  simdjson::ondemand::array array;
  if (auto err = items.get_array().get(array)) {
    return fail(detail::jsonError(path, err));
  }
  size_t index = 0;
  for (auto element_result : array) {
    Path element_path{&path, {}, index++, true};
    Value element;
    if (auto err = std::move(element_result).get(element)) {
      return fail(detail::jsonError(element_path, err));  // the array itself is broken
    }
    Status status = detail::withObject(element, element_path, [&](Object& item, const Path& p) {
      return visitObject(item, p, item_kind, depth + 1, index);
    });
    if (!status) {
      problem(*file_, document_, status.error().message);
    }
  }
  return ok();
}

}  // namespace

ReadResult readManifests(const std::vector<std::string>& paths, const ReadOptions& options) {
  ReadResult result;
  Reader reader(options, result);
  for (const auto& path : paths) {
    reader.readPath(path);
  }
  return result;
}

ReadResult readManifestText(std::string_view text, std::string_view file, ManifestFormat format,
                            const ReadOptions& options) {
  ReadResult result;
  Reader reader(options, result);
  reader.readText(text, std::string(file), format);
  return result;
}

}  // namespace copycat::workload

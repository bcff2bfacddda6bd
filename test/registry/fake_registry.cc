#include "registry/fake_registry.h"

#include <algorithm>

#include "image/digest.h"
#include "registry/manifest.h"

namespace copycat::registry::testing {
namespace {

void writeError(httplib::Response& res, int status, const std::string& code,
                const std::string& message) {
  res.status = status;
  res.set_content(R"({"errors":[{"code":")" + code + R"(","message":")" + message + R"("}]})",
                  "application/json");
}

bool isDigest(const std::string& reference) { return reference.find(':') != std::string::npos; }

}  // namespace

// server_ is declared before the state its handlers use, so it would otherwise be destroyed
// last, while a handler still reads an upload an aborted client left behind.
FakeRegistry::~FakeRegistry() { server_.stop(); }

FakeRegistry::FakeRegistry(Options options) : options_(options) {
  const std::string name = R"(/v2/(.+))";
  server_.get(
      name + R"(/manifests/([^/]+))",
      [this](const httplib::Request& req, httplib::Response& res) { onManifestGet(req, res); });
  server_.put(
      name + R"(/manifests/([^/]+))",
      [this](const httplib::Request& req, httplib::Response& res) { onManifestPut(req, res); });
  server_.get(name + R"(/blobs/(sha256:[0-9a-f]{64}))",
              [this](const httplib::Request& req, httplib::Response& res) { onBlobGet(req, res); });
  server_.post(
      name + R"(/blobs/uploads/)",
      [this](const httplib::Request& req, httplib::Response& res) { onUploadStart(req, res); });
  server_.patch(
      name + R"(/blobs/uploads/([0-9a-z-]+))",
      [this](const httplib::Request& req, httplib::Response& res) { onUploadPatch(req, res); });
  server_.put(
      name + R"(/blobs/uploads/([0-9a-z-]+))",
      [this](const httplib::Request& req, httplib::Response& res) { onUploadPut(req, res); });
}

Status FakeRegistry::start() { return server_.start(); }

std::string FakeRegistry::putBlob(const std::string& repo, const std::string& bytes) {
  std::string digest = image::Digest::ofSha256(bytes).str();
  std::lock_guard<std::mutex> lock(mu_);
  blob_store_[digest] = bytes;
  repos_[repo].blobs.insert(digest);
  return digest;
}

std::string FakeRegistry::putManifest(const std::string& repo, const std::string& reference,
                                      const std::string& bytes, const std::string& media_type) {
  std::string digest = image::Digest::ofSha256(bytes).str();
  std::lock_guard<std::mutex> lock(mu_);
  Repo& r = repos_[repo];
  r.manifests[digest] = StoredManifest{bytes, media_type};
  if (!reference.empty() && !isDigest(reference)) {
    r.tags[reference] = digest;
  }
  return digest;
}

std::optional<FakeRegistry::StoredManifest> FakeRegistry::manifest(
    const std::string& repo, const std::string& reference) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto r = repos_.find(repo);
  if (r == repos_.end()) {
    return std::nullopt;
  }
  std::string digest = reference;
  if (!isDigest(reference)) {
    auto tag = r->second.tags.find(reference);
    if (tag == r->second.tags.end()) {
      return std::nullopt;
    }
    digest = tag->second;
  }
  auto m = r->second.manifests.find(digest);
  return m == r->second.manifests.end() ? std::nullopt : std::optional<StoredManifest>(m->second);
}

bool FakeRegistry::hasBlob(const std::string& repo, const std::string& digest) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto r = repos_.find(repo);
  return r != repos_.end() && r->second.blobs.count(digest) > 0;
}

std::optional<std::string> FakeRegistry::blob(const std::string& digest) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = blob_store_.find(digest);
  return it == blob_store_.end() ? std::nullopt : std::optional<std::string>(it->second);
}

void FakeRegistry::corruptBlob(const std::string& digest) {
  std::lock_guard<std::mutex> lock(mu_);
  corrupt_.insert(digest);
}

void FakeRegistry::failBlobGets(const std::string& digest, int count, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  failing_[digest] = {count, status};
}

void FakeRegistry::truncateBlobGets(const std::string& digest, int count) {
  std::lock_guard<std::mutex> lock(mu_);
  truncating_[digest] = count;
}

size_t FakeRegistry::count(const std::string& method, const std::string& fragment) const {
  size_t n = 0;
  for (const auto& r : server_.requests()) {
    if ((method.empty() || r.method == method) && r.target.find(fragment) != std::string::npos) {
      ++n;
    }
  }
  return n;
}

void FakeRegistry::onManifestGet(const httplib::Request& req, httplib::Response& res) {
  auto stored = manifest(req.matches[1], req.matches[2]);
  if (!stored) {
    writeError(res, 404, "MANIFEST_UNKNOWN", "manifest unknown");
    return;
  }
  res.set_header("Docker-Content-Digest", image::Digest::ofSha256(stored->bytes).str());
  res.set_content(stored->bytes, stored->media_type);
}

// What distribution checks on push: every blob of an image manifest and every child of an
// index must already be in the repository (MANIFEST_BLOB_UNKNOWN otherwise).
std::string FakeRegistry::missingReferenceLocked(const Repo& repo, const std::string& bytes,
                                                 const std::string& media_type) const {
  auto parsed = parseManifest(bytes, media_type);
  if (!parsed) {
    return "unparsable";
  }
  if (parsed->isIndex()) {
    for (const auto& child : parsed->index().manifests) {
      if (repo.manifests.count(child.digest) == 0) {
        return child.digest;
      }
    }
    return {};
  }
  std::vector<Descriptor> blobs = parsed->image().layers;
  blobs.push_back(parsed->image().config);
  for (const auto& d : blobs) {
    if (repo.blobs.count(d.digest) == 0) {
      return d.digest;
    }
  }
  return {};
}

void FakeRegistry::onManifestPut(const httplib::Request& req, httplib::Response& res) {
  std::string repo_name = req.matches[1];
  std::string reference = req.matches[2];
  std::string digest = image::Digest::ofSha256(req.body).str();
  std::string media_type = req.get_header_value("Content-Type");
  std::lock_guard<std::mutex> lock(mu_);
  Repo& repo = repos_[repo_name];
  if (isDigest(reference) && reference != digest) {
    writeError(res, 400, "DIGEST_INVALID", "digest does not match content");
    return;
  }
  std::string missing = missingReferenceLocked(repo, req.body, media_type);
  if (!missing.empty()) {
    writeError(res, 400, "MANIFEST_BLOB_UNKNOWN", "blob unknown: " + missing);
    return;
  }
  repo.manifests[digest] = StoredManifest{req.body, media_type};
  if (!isDigest(reference)) {
    repo.tags[reference] = digest;
  }
  res.status = 201;
  res.set_header("Docker-Content-Digest", digest);
  res.set_header("Location", "/v2/" + repo_name + "/manifests/" + digest);
}

void FakeRegistry::onBlobGet(const httplib::Request& req, httplib::Response& res) {
  std::string digest = req.matches[2];
  std::string body;
  bool truncate = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto repo = repos_.find(req.matches[1]);
    auto stored = blob_store_.find(digest);
    if (repo == repos_.end() || repo->second.blobs.count(digest) == 0 ||
        stored == blob_store_.end()) {
      writeError(res, 404, "BLOB_UNKNOWN", "blob unknown");
      return;
    }
    auto failing = failing_.find(digest);
    if (req.method == "GET" && failing != failing_.end() && failing->second.first > 0) {
      --failing->second.first;
      res.status = failing->second.second;
      return;
    }
    auto truncating = truncating_.find(digest);
    if (req.method == "GET" && truncating != truncating_.end() && truncating->second > 0) {
      --truncating->second;
      truncate = true;
    }
    body = stored->second;
    if (corrupt_.count(digest) > 0 && !body.empty()) {
      body[body.size() / 2] = static_cast<char>(body[body.size() / 2] ^ 0x5a);
    }
  }
  res.set_header("Docker-Content-Digest", digest);
  if (!truncate) {
    res.set_content(body, "application/octet-stream");
    return;
  }
  // Sends half the body, then drops the connection (a reset mid-blob).
  size_t size = body.size();
  res.set_content_provider(
      size, "application/octet-stream",
      [body = std::move(body)](size_t offset, size_t, httplib::DataSink& sink) {
        if (offset >= body.size() / 2) {
          return false;
        }
        sink.write(body.data() + offset, body.size() / 2 - offset);
        return true;
      });
}

std::string FakeRegistry::newUploadLocked(const std::string& repo) {
  std::string id = "u" + std::to_string(++next_upload_);
  uploads_[id] = Upload{repo, {}};
  return id;
}

void FakeRegistry::onUploadStart(const httplib::Request& req, httplib::Response& res) {
  std::string repo_name = req.matches[1];
  std::lock_guard<std::mutex> lock(mu_);
  std::string mount = req.get_param_value("mount");
  std::string from = req.get_param_value("from");
  if (!mount.empty()) {
    auto source = repos_.find(from);
    if (source != repos_.end() && source->second.blobs.count(mount) > 0) {
      repos_[repo_name].blobs.insert(mount);
      res.status = 201;
      res.set_header("Location", "/v2/" + repo_name + "/blobs/" + mount);
      res.set_header("Docker-Content-Digest", mount);
      return;
    }
  }
  std::string id = newUploadLocked(repo_name);
  res.status = 202;
  // A query in the Location: the client must append digest= with '&'.
  res.set_header("Location", "/v2/" + repo_name + "/blobs/uploads/" + id + "?_state=" + id);
  res.set_header("Range", "0-0");
}

void FakeRegistry::onUploadPatch(const httplib::Request& req, httplib::Response& res) {
  std::string id = req.matches[2];
  std::lock_guard<std::mutex> lock(mu_);
  auto upload = uploads_.find(id);
  if (upload == uploads_.end()) {
    writeError(res, 404, "BLOB_UPLOAD_UNKNOWN", "upload unknown");
    return;
  }
  upload->second.data += req.body;
  res.status = 202;
  res.set_header("Location", "/v2/" + upload->second.repo + "/blobs/uploads/" + id);
  res.set_header("Range", "0-" + std::to_string(upload->second.data.size() - 1));
}

void FakeRegistry::onUploadPut(const httplib::Request& req, httplib::Response& res) {
  std::string id = req.matches[2];
  std::lock_guard<std::mutex> lock(mu_);
  auto upload = uploads_.find(id);
  if (upload == uploads_.end()) {
    writeError(res, 404, "BLOB_UPLOAD_UNKNOWN", "upload unknown");
    return;
  }
  if (options_.refuse_monolithic && !req.body.empty()) {
    writeError(res, 405, "UNSUPPORTED", "monolithic uploads are not supported");
    return;
  }
  std::string data = upload->second.data + req.body;
  std::string repo = upload->second.repo;
  uploads_.erase(upload);
  std::string digest = req.get_param_value("digest");
  if (image::Digest::ofSha256(data).str() != digest) {
    writeError(res, 400, "DIGEST_INVALID", "digest does not match content");
    return;
  }
  blob_store_[digest] = std::move(data);
  repos_[repo].blobs.insert(digest);
  res.status = 201;
  res.set_header("Docker-Content-Digest", digest);
  res.set_header("Location", "/v2/" + repo + "/blobs/" + digest);
}

}  // namespace copycat::registry::testing

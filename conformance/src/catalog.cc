// Parsing and validating conformance/catalog.json with nlohmann-json.
#include "ws2sim/conformance/catalog.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace ws2sim::conformance {
namespace {

using nlohmann::json;

constexpr std::string_view kEvidence[] = {"documented", "observed", "rfc", "inferred"};
constexpr std::string_view kStatementFields[] = {
    "id", "statement", "source", "also", "evidence", "profiles", "mode", "testable", "reason"};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw CatalogError("catalog: " + where + ": " + what);
}

const json& field(const json& obj, const char* name, const std::string& where) {
  if (!obj.is_object()) fail(where, "expected an object");
  const auto it = obj.find(name);
  if (it == obj.end()) fail(where, std::string("missing field \"") + name + "\"");
  return *it;
}

std::string text_field(const json& obj, const char* name, const std::string& where) {
  const json& v = field(obj, name, where);
  if (!v.is_string() || v.get<std::string>().empty())
    fail(where, std::string("field \"") + name + "\" must be a non-empty string");
  return v.get<std::string>();
}

std::string optional_text(const json& obj, const char* name, const std::string& where) {
  const auto it = obj.find(name);
  if (it == obj.end()) return {};
  if (!it->is_string()) fail(where, std::string("field \"") + name + "\" must be a string");
  return it->get<std::string>();
}

SourceRef parse_source(const json& v, const std::string& where,
                       const std::set<std::string, std::less<>>& docs) {
  SourceRef ref{text_field(v, "doc", where), text_field(v, "section", where),
                optional_text(v, "origin", where)};
  if (!docs.contains(ref.doc)) fail(where, "unknown document \"" + ref.doc + "\"");
  return ref;
}

bool valid_id(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '+';
  });
}

}  // namespace

// ---- ProfileRule -------------------------------------------------------------------------------

ProfileRule ProfileRule::parse(std::string_view text) {
  ProfileRule r;
  r.text_ = std::string(text);
  if (text == "all") {
    r.kind_ = Kind::kAll;
    return r;
  }
  // A behaviour of the profile table, or its negation: the table, not the catalog, knows which
  // Windows versions have it.
  r.negated_ = text.starts_with('!');
  r.behaviour_ = winsock::find_behaviour(r.negated_ ? text.substr(1) : text);
  if (r.behaviour_ == nullptr) {
    std::string known;
    for (const winsock::NamedBehaviour& b : winsock::named_behaviours())
      known += (known.empty() ? "" : ", ") + std::string(b.name);
    throw CatalogError("unknown profile rule \"" + r.text_ +
                       "\" (use all, a list of profile names, or a behaviour of the profile "
                       "table, optionally negated with !: " +
                       known + ")");
  }
  r.kind_ = Kind::kBehaviour;
  return r;
}

ProfileRule ProfileRule::list(std::vector<std::string> names) {
  if (names.empty()) throw CatalogError("an empty profile list applies to nothing");
  ProfileRule r;
  r.kind_ = Kind::kList;
  for (const std::string& n : names) {
    if (winsock::find_profile(n) == nullptr) throw CatalogError("unknown profile \"" + n + "\"");
    r.text_ += (r.text_.empty() ? "" : ", ") + n;
  }
  r.names_ = std::move(names);
  return r;
}

bool ProfileRule::applies(const winsock::Profile& p) const {
  switch (kind_) {
    case Kind::kAll:
      return true;
    case Kind::kBehaviour:
      return behaviour_->holds(p) != negated_;
    case Kind::kList:
      return std::find(names_.begin(), names_.end(), p.name) != names_.end();
  }
  return false;
}

// ---- Catalog -----------------------------------------------------------------------------------

bool Statement::cites(std::string_view doc) const {
  return source.doc == doc ||
         std::any_of(also.begin(), also.end(), [doc](const SourceRef& r) { return r.doc == doc; });
}

const Statement* Catalog::find(std::string_view id) const {
  const auto it = std::find_if(statements.begin(), statements.end(),
                               [id](const Statement& s) { return s.id == id; });
  return it == statements.end() ? nullptr : &*it;
}

const Document* Catalog::document(std::string_view key) const {
  const auto it = std::find_if(documents.begin(), documents.end(),
                               [key](const Document& d) { return d.key == key; });
  return it == documents.end() ? nullptr : &*it;
}

Catalog parse_catalog(std::string_view json_text) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw CatalogError(std::string("catalog: not valid JSON: ") + e.what());
  }
  const json& schema = field(root, "schema", "top level");
  if (!schema.is_number_integer() || schema.get<int>() != 1) fail("top level", "schema must be 1");

  Catalog catalog;
  std::set<std::string, std::less<>> doc_keys;
  const json& docs = field(root, "documents", "top level");
  if (!docs.is_array() || docs.empty())
    fail("top level", "\"documents\" must be a non-empty array");
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const std::string where = "documents[" + std::to_string(i) + "]";
    Document d{text_field(docs[i], "key", where), text_field(docs[i], "title", where),
               text_field(docs[i], "where", where)};
    if (!doc_keys.insert(d.key).second) fail(where, "duplicate document key \"" + d.key + "\"");
    catalog.documents.push_back(std::move(d));
  }

  const json& items = field(root, "statements", "top level");
  if (!items.is_array() || items.empty())
    fail("top level", "\"statements\" must be a non-empty array");
  std::set<std::string, std::less<>> ids;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const json& item = items[i];
    std::string where = "statements[" + std::to_string(i) + "]";
    Statement s;
    s.id = text_field(item, "id", where);
    where += " (" + s.id + ")";
    if (!valid_id(s.id)) fail(where, "ids use letters, digits and . _ - + only");
    for (const auto& [key, value] : item.items()) {
      if (std::find(std::begin(kStatementFields), std::end(kStatementFields), key) ==
          std::end(kStatementFields))
        fail(where, "unknown field \"" + key + "\"");
    }
    if (!ids.insert(s.id).second) fail(where, "duplicate id");
    s.text = text_field(item, "statement", where);
    s.source = parse_source(field(item, "source", where), where + " source", doc_keys);
    if (const auto also = item.find("also"); also != item.end()) {
      if (!also->is_array()) fail(where, "\"also\" must be an array");
      for (const json& a : *also)
        s.also.push_back(parse_source(a, where + " also", doc_keys));
    }
    s.evidence = text_field(item, "evidence", where);
    if (std::find(std::begin(kEvidence), std::end(kEvidence), s.evidence) == std::end(kEvidence))
      fail(where,
           "unknown evidence grade \"" + s.evidence + "\" (documented, observed, rfc or inferred)");
    const json& rule = field(item, "profiles", where);
    const bool names = rule.is_array() && std::all_of(rule.begin(), rule.end(),
                                                      [](const json& n) { return n.is_string(); });
    if (!rule.is_string() && !names)
      fail(where, "\"profiles\" must be a rule string or a list of profile names");
    try {
      s.profiles = rule.is_string() ? ProfileRule::parse(rule.get<std::string>())
                                    : ProfileRule::list(rule.get<std::vector<std::string>>());
    } catch (const CatalogError& e) {
      fail(where, e.what());
    }
    const std::string mode = optional_text(item, "mode", where);
    if (mode == "strict") {
      s.mode = Mode::kStrict;
    } else if (!mode.empty() && mode != "default") {
      fail(where, "unknown mode \"" + mode + "\" (default or strict)");
    }
    const json& testable = field(item, "testable", where);
    if (!testable.is_boolean()) fail(where, "\"testable\" must be true or false");
    s.testable = testable.get<bool>();
    s.reason = optional_text(item, "reason", where);
    if (!s.testable && s.reason.empty()) fail(where, "an untestable statement needs a \"reason\"");
    if (s.testable && !s.reason.empty())
      fail(where, "\"reason\" is only for untestable statements");
    catalog.statements.push_back(std::move(s));
  }
  return catalog;
}

Catalog load_catalog(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CatalogError("catalog: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_catalog(text.str());
}

std::string describe_source(const Catalog& catalog, const Statement& s) {
  const Document* d = catalog.document(s.source.doc);
  std::string out = (d != nullptr ? d->title : s.source.doc) + " — " + s.source.section;
  if (!s.source.origin.empty()) out += " (" + s.source.origin + ")";
  return out;
}

}  // namespace ws2sim::conformance

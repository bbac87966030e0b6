#include "api/api_fixture.h"

#include <boost/json.hpp>

#include <filesystem>

namespace redledger::testing {

template <typename T>
static T Must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

ApiServer::ApiServer(http::ServerOptions options) {
  const std::string& d = dir_.path();
  StoreOptions store_options;
  store_options.sync = false;  // tests need no power-cut durability
  store_ = Must(OpenRocksEventStore(d + "/log", store_options));
  vault_ = Must(Vault::Open(d + "/vault", VaultOptions{.sync = false}));
  credentials_ = Must(CredentialStore::Open(d + "/credentials"));
  idempotency_ = Must(api::IdempotencyStore::Open(d + "/idempotency", SystemClock::Default()));
  std::filesystem::create_directories(d + "/keys");
  signer_ = Must(Signer::Open(d + "/keys/checkpoint.key", "redledger"));
  commands_ = Must(CommandService::Open(store_.get(), vault_.get(), SystemClock::Default()));
  projections_ = Must(ProjectionRunner::Open(store_.get(), d + "/projections", ProjectionOptions{}));
  scores_ = std::make_unique<ScoreProjection>(store_.get());
  CommandService* commands = commands_.get();
  authenticator_ = std::make_unique<Authenticator>(
      credentials_.get(),
      [commands](std::string_view id) -> std::optional<Principal> {
        const Principal* p = commands->Snapshot()->principals.Find(id);
        if (p == nullptr) return std::nullopt;
        return *p;
      },
      std::string(kAdminToken));
  options.address = "127.0.0.1";
  options.port = 0;
  if (options.threads == 0) options.threads = 2;
  if (options.worker_threads == 64) options.worker_threads = 16;
  live_ = std::make_unique<LiveHub>(store_.get(), authenticator_.get(), LiveHubOptions{}, projections_.get(),
                                    scores_.get());
  server_ = std::make_unique<http::Server>(options, authenticator_.get());
  api::RegisterRoutes(server_.get(), api::Api{.store = store_.get(),
                                                        .commands = commands_.get(),
                                                        .projections = projections_.get(),
                                                        .scores = scores_.get(),
                                                        .vault = vault_.get(),
                                                        .credentials = credentials_.get(),
                                                        .idempotency = idempotency_.get(),
                                                        .signer = signer_.get(),
                                                        .clock = SystemClock::Default(),
                                                        .data_dir = d,
                                                        .backup_dir = d + "/backups"});
  // The same wiring as redledgerd, so the route table the OpenAPI test checks is the served one.
  Status s = AttachLiveHub(*server_, *live_);
  if (s.ok()) s = server_->Start();
  EXPECT_TRUE(s.ok()) << s.ToString();
}

ApiServer::~ApiServer() {
  server_->Stop();
  server_->Wait();
}

std::string Member(const std::string& json, std::string_view name) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return "";
  const boost::json::value* m = v.as_object().if_contains(name);
  if (m == nullptr) return "";
  if (m->is_string()) return std::string(m->as_string());
  return boost::json::serialize(*m);
}

HttpResponse ApiTest::Call(std::string_view method, std::string_view target, std::string_view token,
                           std::string_view body, Headers headers) {
  HttpClient client(server->port());
  EXPECT_TRUE(client.connected());
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + std::string(token));
  auto r = client.Request(method, target, headers, body);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : HttpResponse{};
}

HttpResponse ApiTest::Post(std::string_view target, std::string_view body, std::string_view token, Headers headers) {
  headers.emplace_back("Content-Type", "application/json");
  return Call("POST", target, token, body, std::move(headers));
}

HttpResponse ApiTest::Get(std::string_view target, std::string_view token) { return Call("GET", target, token); }

std::string ApiTest::RaiseBody(std::string_view site, std::string_view title) {
  std::string s(site);
  return R"({"site_id":")" + s + R"(","category":"heating","title":")" + std::string(title) +
         R"(","description":"Radiators are cold.","urgency":"routine","channel":"app",)"
         R"("location":{"compound_id":"cmp-)" + s + R"(","building":"Building 3"},)"
         R"("reporter":{"name":"李娜","phone":"13800131234"}})";
}

void ApiTest::SetUp() {
  server = std::make_unique<ApiServer>();
  const std::string admin(kAdminToken);
  tokens["admin"] = admin;
  ids["admin"] = "admin";
  for (std::string site : {"s-1", "s-2"}) {
    auto r = Post("/v1/sites",
                  R"({"site_id":")" + site + R"(","name":"Site )" + site +
                      R"(","district":"Nangang","street":"Hexing Road","community":"Hexing","construction_mode":"joint"})",
                  admin);
    ASSERT_EQ(r.status, 201) << r.body;
  }
  // Compound and grid ids are made by the server: remember them.
  for (std::string site : {"s-1", "s-2"}) {
    auto c = Post("/v1/sites/" + site + "/compounds", R"({"name":"Garden"})", admin);
    ASSERT_EQ(c.status, 201) << c.body;
    world["compound-" + site] = Member(c.body, "compound_id");
    auto g = Post("/v1/sites/" + site + "/grids", R"({"name":"Grid 1","leader":"Zhang Wei"})", admin);
    ASSERT_EQ(g.status, 201) << g.body;
    world["grid-" + site] = Member(g.body, "grid_id");
  }
  for (auto [unit, site] : {std::pair{"u-1", "s-1"}, std::pair{"u-2", "s-2"}}) {
    auto u = Post("/v1/units", R"({"unit_id":")" + std::string(unit) + R"(","name":"Property branch","kind":"property_branch"})", admin);
    ASSERT_EQ(u.status, 201) << u.body;
    auto p = Post("/v1/units/" + std::string(unit) + "/pairings", R"({"site_id":")" + std::string(site) + R"("})", admin);
    ASSERT_EQ(p.status, 201) << p.body;
  }
  struct P {
    const char* key;
    const char* role;
    std::string extra;
  };
  const std::vector<P> principals = {
      {"resident", "resident", R"("sites":["s-1"])"},
      {"resident2", "resident", R"("sites":["s-1"])"},
      {"grid_leader", "grid_leader", R"("sites":["s-1"],"grid_ids":[")" + world["grid-s-1"] + R"("])"},
      {"handler", "handler", R"("sites":["s-1"],"unit_id":"u-1")"},
      {"handler2", "handler", R"("sites":["s-2"],"unit_id":"u-2")"},
      {"community", "community", R"("sites":["s-1"])"},
      {"community2", "community", R"("sites":["s-2"])"},
      {"supervisor", "supervisor", R"("sites":["s-1"])"},
      {"supervisor_all", "supervisor", R"("sites":"*")"},
      {"inspector", "inspector", R"("sites":"*")"},
  };
  for (const P& p : principals) {
    auto r = Post("/v1/principals", R"({"name":"Test )" + std::string(p.key) + R"(","role":")" + p.role + R"(",)" + p.extra + "}",
                  admin);
    ASSERT_EQ(r.status, 201) << p.key << ": " << r.body;
    tokens[p.key] = Member(r.body, "token");
    ids[p.key] = Member(r.body, "principal_id");
  }
}

std::string ApiTest::Raise(std::string_view title) {
  std::string body = RaiseBody("s-1", title);
  size_t at = body.find("cmp-s-1");
  body.replace(at, 7, world["compound-s-1"]);
  auto r = Post("/v1/demands", body, tokens["resident"]);
  EXPECT_EQ(r.status, 201) << r.body;
  return Member(r.body, "demand_id");
}

std::string ApiTest::DemandIn(std::string_view status) {
  std::string id = Raise();
  if (status == "raised") return id;
  EXPECT_EQ(Post("/v1/demands/" + id + "/accept", "{}", tokens["community"]).status, 200);
  if (status == "accepted") return id;
  auto a = Post("/v1/demands/" + id + "/assign", R"({"unit_id":"u-1"})", tokens["community"]);
  EXPECT_EQ(a.status, 200) << a.body;
  if (status == "assigned") return id;
  auto r = Post("/v1/demands/" + id + "/resolve", R"({"summary":"Pump replaced."})", tokens["handler"]);
  EXPECT_EQ(r.status, 200) << r.body;
  return id;
}

}  // namespace redledger::testing

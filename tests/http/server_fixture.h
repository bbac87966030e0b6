// A real server on 127.0.0.1 (ephemeral port) with a real credentials store,
// principals from access-stream events, and routes that exercise the
// server: echoing what a handler sees, answering from another thread,
// dropping or throwing.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <mutex>
#include <thread>

#include "redledger/auth.h"
#include "redledger/http_server.h"
#include "support/principal_events.h"
#include "support/temp_dir.h"
#include "support/test_client.h"

namespace redledger::testing {

inline constexpr char kAdminToken[] = "bootstrap-admin-token-0123456789";

class HttpServerTest : public ::testing::Test {
 protected:
  static http::ServerOptions TestOptions() {
    http::ServerOptions o;
    o.port = 0;
    o.threads = 2;
    return o;
  }

  void SetUp() override {
    auto s = CredentialStore::Open(dir_.path() + "/credentials");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    auth_ = std::make_unique<Authenticator>(store_.get(), principals_.Lookup(), kAdminToken);
    token_ = principals_.Register(store_.get(), "p-community", "community");
  }

  void TearDown() override {
    StopServer();
  }

  void StartServer(http::ServerOptions options = TestOptions()) {
    server_ = std::make_unique<http::Server>(options, auth_.get());
    AddTestRoutes(*server_);
    AddRoutes(*server_);
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  void StopServer() {
    {
      std::lock_guard<std::mutex> lock(workers_mu_);
      for (auto& t : workers_) t.join();
      workers_.clear();
    }
    server_.reset();
  }

  HttpClient Client(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    HttpClient c(server_->port(), timeout);
    EXPECT_TRUE(c.connected());
    return c;
  }

  static boost::json::object Body(const HttpResponse& r) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(r.body, ec);
    if (ec || !v.is_object()) {
      ADD_FAILURE() << "not a JSON object: " << r.body;
      return {};
    }
    return v.get_object();
  }

  // The DESIGN §4 error object of a response, checked for its shape.
  static boost::json::object Error(const HttpResponse& r) {
    boost::json::object body = Body(r);
    EXPECT_EQ(body.size(), 1u) << r.body;
    const boost::json::value* e = body.if_contains("error");
    if (e == nullptr || !e->is_object()) {
      ADD_FAILURE() << "no error object: " << r.body;
      return {};
    }
    const boost::json::object& err = e->get_object();
    EXPECT_TRUE(err.contains("code") && err.at("code").is_string()) << r.body;
    EXPECT_TRUE(err.contains("message") && err.at("message").is_string()) << r.body;
    EXPECT_TRUE(err.contains("request_id") && err.at("request_id").is_string()) << r.body;
    if (err.contains("request_id")) {
      EXPECT_EQ(err.at("request_id").as_string(), r.Header("x-request-id"));
    }
    EXPECT_EQ(r.Header("content-type"), "application/json");
    return err;
  }
  static std::string Code(const HttpResponse& r) {
    boost::json::object e = Error(r);
    return e.contains("code") ? std::string(e.at("code").as_string()) : std::string();
  }

  // Routes a test suite adds to the common ones.
  virtual void AddRoutes(http::Server&) {}

  void AddTestRoutes(http::Server& s) {
    // What the handler saw, as JSON.
    auto echo = [](http::Request req, http::Responder res) {
      boost::json::object o;
      boost::json::object params, query;
      for (auto& [k, v] : req.params) params[k] = v;
      for (auto& [k, v] : req.query) query[k] = v;
      o["params"] = std::move(params);
      o["query"] = std::move(query);
      o["principal"] = req.principal ? boost::json::value(req.principal->id) : boost::json::value(nullptr);
      o["request_id"] = req.request_id;
      o["json"] = req.json ? boost::json::value(*req.json) : boost::json::value(nullptr);
      o["path"] = req.path;
      res.Send(http::Response::Json(200, boost::json::serialize(o)));
    };
    s.Route("GET", "/v1/echo/{id}/{command}", {}, echo);
    s.Route("POST", "/v1/echo/{id}/{command}", {.json_body = true}, echo);
    s.Route("GET", "/v1/things/{id}", {.authenticate = false}, echo);
    s.Route("GET", "/v1/things/special", {.authenticate = false},
            [](http::Request, http::Responder r) { r.Send(http::Response::Json(200, R"({"special":true})")); });
    s.Route("GET", "/public/open", {.authenticate = false}, echo);
    s.Route("GET", "/", {.authenticate = false}, echo);
    // Answers from another thread after ?delay_ms, with ?tag as the body.
    s.Route("GET", "/v1/async", {.authenticate = false}, [this](http::Request req, http::Responder res) {
      int delay = std::stoi(std::string(req.Query("delay_ms").value_or("0")));
      std::string tag(req.Query("tag").value_or(""));
      std::lock_guard<std::mutex> lock(workers_mu_);
      workers_.emplace_back([res, delay, tag] {
        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        res.Send(http::Response::Json(200, R"({"tag":")" + tag + R"("})"));
      });
    });
    s.Route("GET", "/v1/drop", {.authenticate = false}, [](http::Request, http::Responder) {});
    s.Route("GET", "/v1/throw", {.authenticate = false},
            [](http::Request, http::Responder) { throw std::runtime_error("boom"); });
    s.Route("GET", "/v1/fail", {.authenticate = false}, [](http::Request req, http::Responder res) {
      std::string what(req.Query("what").value_or(""));
      if (what == "conflict") return res.Fail(Status::VersionConflict("stale", 7));
      if (what == "transition") return res.Fail(Status::InvalidTransition("no", "closed"));
      if (what == "validation") {
        return res.Fail(Status::ValidationFailed({{"title", "too long"}, {"location.compound_id", "unknown"}}));
      }
      if (what == "unavailable") return res.Fail(Status::Unavailable("projections behind"));
      if (what == "io") return res.Fail(Status::IOError("disk on fire at /secret/path"));
      res.Fail(Status::Forbidden("not in scope"));
    });
  }

  TempDir dir_;
  std::unique_ptr<CredentialStore> store_;
  TestPrincipals principals_;
  std::unique_ptr<Authenticator> auth_;
  std::string token_;
  std::unique_ptr<http::Server> server_;
  std::mutex workers_mu_;  // guards workers_
  std::vector<std::thread> workers_;
};

}  // namespace redledger::testing

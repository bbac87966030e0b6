// Principals for tests, registered the way the server learns of them: as
// `principal.registered` / `principal.revoked` events folded into the
// domain's Principals registry, with a token in a real CredentialStore.
#pragma once

#include <gtest/gtest.h>

#include <mutex>
#include <string>

#include "redledger/auth.h"
#include "redledger/principal.h"

namespace redledger::testing {

class TestPrincipals {
 public:
  // Registers `id` with `role` at `sites_json` (e.g. R"(["s-1"])" or R"("*")")
  // and returns a new token for it.
  std::string Register(CredentialStore* store, const std::string& id, const std::string& role,
                       const std::string& sites_json = R"(["s-1"])") {
    Envelope e;
    e.stream = "access";
    e.type = "principal.registered";
    e.data = R"({"principal_id":")" + id + R"(","name":"Test )" + id + R"(","role":")" + role +
             R"(","sites":)" + sites_json + R"(,"unit_id":null,"grid_ids":[]})";
    Apply(e);
    std::string token = NewToken();
    EXPECT_TRUE(store->AddToken(id, token).ok());
    return token;
  }

  void Revoke(const std::string& id) {
    Envelope e;
    e.stream = "access";
    e.type = "principal.revoked";
    e.data = R"({"principal_id":")" + id + R"("})";
    Apply(e);
  }

  // For Authenticator; safe across the server's threads.
  Authenticator::PrincipalLookup Lookup() {
    return [this](std::string_view id) -> std::optional<Principal> {
      std::lock_guard<std::mutex> lock(mu_);
      const Principal* p = principals_.Find(id);
      if (p == nullptr) return std::nullopt;
      return *p;
    };
  }

 private:
  void Apply(const Envelope& e) {
    std::lock_guard<std::mutex> lock(mu_);
    Status s = principals_.Apply(e);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

  std::mutex mu_;  // guards principals_
  Principals principals_;
};

}  // namespace redledger::testing

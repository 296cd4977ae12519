#include "app/roles.h"

#include <gtest/gtest.h>

using namespace crawler::app;

TEST(Roles, CommaListAndSeveralTokens) {
  EXPECT_EQ(parse_roles({"api,ws"}), (std::set<Role>{Role::api, Role::ws}));
  EXPECT_EQ(parse_roles({"api", "ws"}), (std::set<Role>{Role::api, Role::ws}));
  EXPECT_EQ(parse_roles({"worker"}), std::set<Role>{Role::worker});
  EXPECT_EQ(parse_roles({"api, scheduler"}), (std::set<Role>{Role::api, Role::scheduler}));
}

TEST(Roles, AllAndEmptyMeanEveryRole) {
  EXPECT_EQ(parse_roles({"all"}).size(), 4u);
  EXPECT_EQ(parse_roles({}).size(), 4u);
}

TEST(Roles, UnknownRoleNamesTheValidOnes) {
  try {
    parse_roles({"api,bogus"});
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("'bogus'"), std::string::npos);
    EXPECT_NE(msg.find("api, ws, scheduler, worker"), std::string::npos);
  }
  EXPECT_THROW(parse_roles({"api,,ws"}), std::invalid_argument);
}

TEST(Roles, Describe) { EXPECT_EQ(describe({Role::worker, Role::api}), "api,worker"); }

// The configuration table: precedence, aliases, validation messages, secrets kept out of them;
// its value grammars; the typed crawl and AWS settings it fills; the demo's overrides.
#include "app/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/cli.h"
#include "app/config_parse.h"
#include "app/demo_component.h"
#include "core/ascii.h"

using namespace crawler::app;
using namespace std::chrono_literals;
namespace crawl = crawler::crawl;

namespace {

ConfigSources sources(std::map<std::string, std::string> env,
                      std::map<std::string, std::string> dotenv = {},
                      std::map<std::string, std::string> flags = {}) {
  ConfigSources s;
  s.flags = std::move(flags);
  s.dotenv = std::move(dotenv);
  s.env = [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return s;
}

std::string error_of(const ConfigSources& s) {
  try {
    load_config(s);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Config, DefaultsMatchTheOriginalAndTheSeed) {
  Config c = load_config(sources({}));
  EXPECT_EQ(c.roles.size(), 4u);
  EXPECT_EQ(c.port, 3000);
  EXPECT_EQ(c.scheduler_port, 3002);
  EXPECT_EQ(c.worker_concurrency, 1);
  EXPECT_EQ(c.worker_interval.count(), 1000);
  EXPECT_EQ(c.scheduler_cron, "* * * * *");
  EXPECT_EQ(c.scheduler_interval.count(), 60000);
  EXPECT_EQ(c.bulk_search_monitoring_interval.count(), 86400000);
  EXPECT_EQ(c.shutdown_timeout.count(), 25000);
  EXPECT_EQ(c.crawl.browser.chromium_path, "/usr/bin/chromium");
}

TEST(Config, FlagBeatsEnvBeatsDotenv) {
  EXPECT_EQ(load_config(sources({}, {{"PORT", "4000"}})).port, 4000);
  EXPECT_EQ(load_config(sources({{"PORT", "5000"}}, {{"PORT", "4000"}})).port, 5000);
  EXPECT_EQ(load_config(sources({{"PORT", "5000"}}, {{"PORT", "4000"}}, {{"PORT", "6000"}})).port,
            6000);
}

TEST(Config, EmptyValueCountsAsUnset) {
  EXPECT_EQ(load_config(sources({{"PORT", ""}})).port, 3000);
}

TEST(Config, OriginalMisspeltSchedulerIntervalIsAccepted) {
  EXPECT_EQ(load_config(sources({{"SCEDULER_INTERVAL_MS", "120000"}})).scheduler_interval.count(),
            120000);
  // The correct spelling wins when both are present.
  EXPECT_EQ(
      load_config(sources({{"SCEDULER_INTERVAL_MS", "120000"}, {"SCHEDULER_INTERVAL_MS", "90000"}}))
          .scheduler_interval.count(),
      90000);
}

TEST(Config, PuppeteerPathIsAnAliasOfChromiumPath) {
  EXPECT_EQ(load_config(sources({{"PUPPETEER_EXECUTABLE_PATH", "/opt/chrome"}}))
                .crawl.browser.chromium_path,
            "/opt/chrome");
}

TEST(Config, ProcessTypeFromEnv) {
  auto c = load_config(sources({{"PROCESS_TYPE", "worker"}}));
  EXPECT_EQ(c.roles, std::set<Role>{Role::worker});
}

TEST(Config, InvalidValuesNameTheVariableAndTheForm) {
  auto err = error_of(sources({{"PORT", "abc"}}));
  EXPECT_NE(err.find("PORT='abc'"), std::string::npos) << err;
  EXPECT_NE(err.find("TCP port"), std::string::npos) << err;

  err = error_of(sources({{"WORKER_CONCURRENCY", "0"}}));
  EXPECT_NE(err.find("WORKER_CONCURRENCY"), std::string::npos) << err;

  err = error_of(sources({{"PORT", "70000"}, {"LOG_LEVEL", "loud"}}));
  EXPECT_NE(err.find("PORT"), std::string::npos) << err;
  EXPECT_NE(err.find("LOG_LEVEL"), std::string::npos) << "every error is listed: " << err;

  err = error_of(sources({{"REDIS_URL", "http://x"}}));
  EXPECT_NE(err.find("redis://"), std::string::npos) << err;

  err = error_of(sources({}, {{"SCHEDULER_INTERVAL_MS", "12x"}}));
  EXPECT_NE(err.find("SCHEDULER_INTERVAL_MS (.env)"), std::string::npos) << err;
}

TEST(Config, CronAndTimeZoneAreValidatedTogether) {
  auto err = error_of(sources({{"SCHEDULER_CRON", "61 * * * *"}}));
  EXPECT_NE(err.find("SCHEDULER_CRON"), std::string::npos) << err;
  EXPECT_NE(err.find("minute"), std::string::npos) << err;
  err = error_of(sources({{"SCHEDULER_TZ", "Nowhere/City"}}));
  EXPECT_NE(err.find("time zone"), std::string::npos) << err;
  auto c =
      load_config(sources({{"SCHEDULER_CRON", "*/5 * * * *"}, {"SCHEDULER_TZ", "Asia/Seoul"}}));
  EXPECT_EQ(c.scheduler_tz, "Asia/Seoul");
}

TEST(Config, SecretsNeverAppearInErrors) {
  auto err = error_of(sources({{"DATABASE_URL", "mysql://u:hunter2@h/db"}}));
  EXPECT_NE(err.find("DATABASE_URL"), std::string::npos) << err;
  EXPECT_EQ(err.find("hunter2"), std::string::npos) << err;
}

TEST(Config, ProxyHostAndPortGoTogether) {
  EXPECT_NE(error_of(sources({{"PROXY_HOST", "proxy.example"}})).find("PROXY_PORT"),
            std::string::npos);
  EXPECT_NE(error_of(sources({{"PROXY_PORT", "8080"}})).find("PROXY_HOST"), std::string::npos);
  auto c = load_config(sources({{"PROXY_HOST", "proxy.example"}, {"PROXY_PORT", "8080"}}));
  ASSERT_TRUE(c.crawl.proxy.has_value());
  EXPECT_EQ(c.crawl.proxy->port, 8080);
  // A user or password alone configures no proxy.
  EXPECT_FALSE(load_config(sources({{"PROXY_USER", "me"}})).crawl.proxy.has_value());
}

TEST(Config, EverySettingHasHelpAFlagAndAForm) {
  for (const auto& s : settings()) {
    EXPECT_FALSE(s.help.empty()) << s.name;
    // The AWS SDKs' variables alone are environment-only, without a flag.
    EXPECT_EQ(s.flag.empty(), s.environment_only) << s.name;
    EXPECT_EQ(s.environment_only, s.name.starts_with("AWS_")) << s.name;
    EXPECT_FALSE(s.form.empty()) << s.name;
  }
}

TEST(ConfigParse, IntegersWithinTheirRange) {
  EXPECT_EQ(parse_int("42", 0, 100), 42);
  EXPECT_EQ(parse_int("-3", -5, 5), -3);
  for (auto bad : {"", "4x", " 4", "4 ", "101", "-1", "1.5", "0x10"})
    EXPECT_THROW(parse_int(bad, 0, 100), std::invalid_argument) << bad;
  try {
    parse_int("7", 1, 5);
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "not an integer in 1..5");
  }
}

TEST(ConfigParse, Numbers) {
  EXPECT_EQ(parse_number("0.5", 0), 0.5);
  EXPECT_EQ(parse_number("5", 0), 5.0);
  EXPECT_EQ(parse_number("0", 0), 0.0);
  for (auto bad : {"", "-1", "fast", "inf", "nan", "1e999", "2 "})
    EXPECT_THROW(parse_number(bad, 0), std::invalid_argument) << bad;
}

TEST(ConfigParse, OneBooleanGrammar) {
  for (auto yes : {"true", "TRUE", "True", "1", "yes", "YES", "on", "On"})
    EXPECT_TRUE(parse_bool(yes)) << yes;
  for (auto no : {"false", "FALSE", "0", "no", "No", "off", "OFF"})
    EXPECT_FALSE(parse_bool(no)) << no;
  for (auto bad : {"", "2", "y", "n", "maybe", "truee", " true"})
    EXPECT_THROW(parse_bool(bad), std::invalid_argument) << bad;
}

TEST(ConfigParse, CommaLists) {
  using V = std::vector<std::string>;
  EXPECT_EQ(split_list("a,b"), (V{"a", "b"}));
  EXPECT_EQ(split_list(" a , b "), (V{"a", "b"}));
  EXPECT_EQ(split_list("a,,b,"), (V{"a", "b"}));
  EXPECT_EQ(split_list(""), V{});
  EXPECT_EQ(split_list("a,,b,", EmptyItems::keep), (V{"a", "", "b", ""}));
  EXPECT_EQ(split_list("one", EmptyItems::keep), V{"one"});
  EXPECT_TRUE(crawler::ascii_iequals("None", "none"));
  EXPECT_FALSE(crawler::ascii_iequals("nonE ", "none"));
}

TEST(Config, BooleansShareTheGrammarAndNameTheVariable) {
  EXPECT_FALSE(load_config(sources({{"MIGRATE_ON_START", "off"}})).migrate_on_start);
  EXPECT_TRUE(load_config(sources({{"CRAWL_ALLOW_PRIVATE", "true"}})).crawl.ssrf.allow_private);
  EXPECT_FALSE(load_config(sources({})).crawl.ssrf.allow_private);
  for (auto name : {"MIGRATE_ON_START", "CRAWL_ALLOW_PRIVATE", "AWS_EC2_METADATA_DISABLED"}) {
    auto err = error_of(sources({{name, "maybe"}}));
    EXPECT_NE(err.find(std::string(name) + "='maybe'"), std::string::npos) << err;
  }
}

TEST(Config, CrawlSettingsAreTyped) {
  const auto d = load_config(sources({})).crawl;
  EXPECT_EQ(d.mode, crawl::CrawlMode::automatic);
  EXPECT_EQ(d.timeout, 10000ms);
  EXPECT_FALSE(d.ssrf.allow_private);
  EXPECT_TRUE(d.ssrf.allowed_networks.empty());
  EXPECT_FALSE(d.proxy.has_value());
  EXPECT_EQ(d.rate_per_host, 5.0);
  EXPECT_EQ(d.rate_burst, 1);
  EXPECT_EQ(d.rank_types, std::vector<std::string>{"AD"});
  EXPECT_EQ(d.browser.blocked_resource_types, (std::vector<std::string>{"Image", "Font", "Media"}));
  const auto defaults = crawl::default_profiles();
  EXPECT_EQ(crawl::find_profile(d.profiles, "AD")->url_template,
            crawl::find_profile(defaults, "AD")->url_template);

  const auto c = load_config(sources({{"CRAWL_MODE", "HTTP"},
                                      {"CRAWL_TIMEOUT_MS", "2500"},
                                      {"SERP_AD_URL", "http://127.0.0.1:1/ad?q={query}"},
                                      {"CRAWL_ALLOW_PRIVATE", "1"},
                                      {"CRAWL_ALLOWED_NETWORKS", "127.0.0.0/8, ::1"},
                                      {"CRAWL_RATE_PER_HOST", "0.5"},
                                      {"CRAWL_RATE_BURST", "3"},
                                      {"CRAWL_PROFILES", "organic,ad"},
                                      {"CRAWL_BROWSER_BLOCK", "image, stylesheet"},
                                      {"PROXY_HOST", "proxy.example"},
                                      {"PROXY_PORT", "8000"},
                                      {"PROXY_USER", "me"},
                                      {"PROXY_PASS", "secret"}}))
                     .crawl;
  EXPECT_EQ(c.mode, crawl::CrawlMode::http);
  EXPECT_EQ(c.timeout, 2500ms);
  EXPECT_EQ(crawl::find_profile(c.profiles, "AD")->url_template, "http://127.0.0.1:1/ad?q={query}");
  EXPECT_EQ(crawl::find_profile(c.profiles, "ORGANIC")->url_template,
            crawl::find_profile(defaults, "ORGANIC")->url_template);
  EXPECT_TRUE(c.ssrf.allow_private);
  EXPECT_EQ(c.ssrf.allowed_networks, (std::vector<std::string>{"127.0.0.0/8", "::1"}));
  EXPECT_EQ(c.rate_per_host, 0.5);
  EXPECT_EQ(c.rate_burst, 3);
  EXPECT_EQ(c.rank_types, (std::vector<std::string>{"ORGANIC", "AD"}));
  EXPECT_EQ(c.browser.blocked_resource_types, (std::vector<std::string>{"Image", "Stylesheet"}));
  ASSERT_TRUE(c.proxy.has_value());
  EXPECT_EQ(c.proxy->host, "proxy.example");
  EXPECT_EQ(c.proxy->port, 8000);
  EXPECT_EQ(c.proxy->user, "me");
  EXPECT_EQ(c.proxy->password, "secret");

  EXPECT_TRUE(load_config(sources({{"CRAWL_BROWSER_BLOCK", "None"}}))
                  .crawl.browser.blocked_resource_types.empty());
}

TEST(Config, InvalidCrawlValuesNameTheVariable) {
  const std::pair<const char*, const char*> cases[] = {{"CRAWL_MODE", "fast"},
                                                       {"CRAWL_TIMEOUT_MS", "ten"},
                                                       {"CRAWL_TIMEOUT_MS", "99"},
                                                       {"SERP_ORGANIC_URL", "http://x/"},
                                                       {"CRAWL_ALLOW_PRIVATE", "maybe"},
                                                       {"CRAWL_ALLOWED_NETWORKS", "10/x"},
                                                       {"CRAWL_RATE_PER_HOST", "-1"},
                                                       {"CRAWL_RATE_BURST", "0"},
                                                       {"CRAWL_PROFILES", "AD,SHOPPING"},
                                                       {"CRAWL_BROWSER_BLOCK", "Image,Pictures"},
                                                       {"PROXY_HOST", "p"},
                                                       {"PROXY_PORT", "0"},
                                                       {"CRAWL_PROFILE_FILE", "/nonexistent.json"}};
  for (auto [name, value] : cases) {
    auto err = error_of(sources({{name, value}}));
    EXPECT_NE(err.find(name), std::string::npos) << name << "=" << value << ": " << err;
  }
  auto err = error_of(sources({{"CRAWL_BROWSER_BLOCK", "Image,Pictures"}}));
  EXPECT_NE(err.find("'Pictures'"), std::string::npos) << err;
}

TEST(Config, ProfileFileOverridesTheUrlVariables) {
  auto path = std::filesystem::temp_directory_path() /
              ("config_test_profiles_" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << R"({"profiles":[{"name":"ad","url":"http://file.example/?q={query}"}]})";
  auto c = load_config(sources({{"CRAWL_PROFILE_FILE", path.string()},
                                {"SERP_AD_URL", "http://env.example/?q={query}"},
                                {"SERP_ORGANIC_URL", "http://env.example/o?q={query}"}}))
               .crawl;
  std::filesystem::remove(path);
  EXPECT_EQ(crawl::find_profile(c.profiles, "AD")->url_template, "http://file.example/?q={query}");
  EXPECT_EQ(crawl::find_profile(c.profiles, "ORGANIC")->url_template,
            "http://env.example/o?q={query}");
  EXPECT_EQ(c.profile_file, path.string());
}

TEST(Config, AwsVariablesComeFromTheEnvironmentOnly) {
  auto d = load_config(sources({})).aws;
  EXPECT_TRUE(d.region.empty());
  EXPECT_TRUE(d.cloudwatch_endpoint.empty());
  EXPECT_FALSE(d.credentials.ec2_metadata_disabled);

  EXPECT_EQ(load_config(sources({{"AWS_DEFAULT_REGION", "eu-west-1"}})).aws.region, "eu-west-1");
  EXPECT_EQ(load_config(sources({{"AWS_DEFAULT_REGION", "eu-west-1"}, {"AWS_REGION", "us-east-2"}}))
                .aws.region,
            "us-east-2");
  EXPECT_EQ(load_config(sources({{"AWS_ENDPOINT_URL", "http://localhost:4566/"}}))
                .aws.cloudwatch_endpoint,
            "http://localhost:4566/");
  EXPECT_EQ(load_config(sources({{"AWS_ENDPOINT_URL", "http://localhost:4566/"},
                                 {"AWS_ENDPOINT_URL_CLOUDWATCH", "http://127.0.0.1:9000"}}))
                .aws.cloudwatch_endpoint,
            "http://127.0.0.1:9000");

  auto c = load_config(sources({{"AWS_ACCESS_KEY_ID", "AK"},
                                {"AWS_SECRET_ACCESS_KEY", "SK"},
                                {"AWS_SESSION_TOKEN", "ST"},
                                {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds"},
                                {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1/c"},
                                {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/run/token"},
                                {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "tok"},
                                {"AWS_EC2_METADATA_DISABLED", "TRUE"},
                                {"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1"}}))
               .aws.credentials;
  EXPECT_EQ(c.access_key_id, "AK");
  EXPECT_EQ(c.secret_access_key, "SK");
  EXPECT_EQ(c.session_token, "ST");
  EXPECT_EQ(c.container_relative_uri, "/v2/creds");
  EXPECT_EQ(c.container_full_uri, "http://127.0.0.1/c");
  EXPECT_EQ(c.container_token_file, "/run/token");
  EXPECT_EQ(c.container_token, "tok");
  EXPECT_TRUE(c.ec2_metadata_disabled);
  EXPECT_EQ(c.ec2_metadata_endpoint, "http://127.0.0.1:1");

  // Not the crawler's variables: .env (where AWS_REGION is the compose file's) and flags do
  // not set them.
  EXPECT_TRUE(load_config(sources({}, {{"AWS_REGION", "ap-northeast-2"}})).aws.region.empty());
  EXPECT_TRUE(load_config(sources({}, {}, {{"AWS_REGION", "ap-northeast-2"}})).aws.region.empty());
}

TEST(Config, HelpListsTheCrawlersVariablesOnly) {
  const char* argv[] = {"crawler", "--help"};
  testing::internal::CaptureStdout();
  auto cmd = parse_command_line(2, argv);
  auto help = testing::internal::GetCapturedStdout();
  EXPECT_EQ(cmd.kind, Command::Kind::exit);
  EXPECT_NE(help.find("[env CRAWL_BROWSER_BLOCK; default: Image,Font,Media]"), std::string::npos)
      << help;
  EXPECT_NE(help.find("[env CHROMIUM_PATH, PUPPETEER_EXECUTABLE_PATH; default: /usr/bin/chromium]"),
            std::string::npos);
  EXPECT_EQ(help.find("AWS_"), help.find("AWS_REGION and credentials"))
      << "only METRICS_SINK's help names an AWS variable";
}

TEST(Config, DemoOverridesPointTheCrawlAtTheSite) {
  Config config = load_config(sources({}));
  apply_demo_overrides(config,
                       {"http://127.0.0.1:9/ad?q={query}", "http://127.0.0.1:9/s?q={query}"});
  EXPECT_EQ(crawl::find_profile(config.crawl.profiles, "AD")->url_template,
            "http://127.0.0.1:9/ad?q={query}");
  EXPECT_EQ(crawl::find_profile(config.crawl.profiles, "ORGANIC")->url_template,
            "http://127.0.0.1:9/s?q={query}");
  EXPECT_EQ(config.crawl.rank_types, (std::vector<std::string>{"AD", "ORGANIC"}));
  EXPECT_TRUE(config.crawl.ssrf.allow_private);
  EXPECT_EQ(config.crawl.mode, crawl::CrawlMode::http);

  // CRAWL_MODE=browser is kept.
  Config browser = load_config(sources({{"CRAWL_MODE", "browser"}}));
  apply_demo_overrides(browser, {"http://h/a?q={query}", "http://h/o?q={query}"});
  EXPECT_EQ(browser.crawl.mode, crawl::CrawlMode::browser);
}

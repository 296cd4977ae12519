#include "api/handler.h"

#include <boost/json/serialize.hpp>

#include "api/api_error.h"
#include "queue/errors.h"
#include "store/errors.h"
#include "store/store.h"

namespace crawler::api {
namespace {

http::Response conflict(const std::string& message, std::optional<std::int64_t> existing) {
  boost::json::object body{{"success", false}, {"error", message}};
  if (existing) body["existingId"] = *existing;
  return http::Response::json(409, boost::json::serialize(body));
}

}  // namespace

http::Handler handle(http::Handler fn) {
  return [fn = std::move(fn)](http::Request& req) -> http::Response {
    try {
      return fn(req);
    } catch (const Conflict& e) {
      return conflict(e.what(), e.existing_id);
    } catch (const store::Conflict& e) {
      return conflict(e.what(), e.existing_id);
    } catch (const ApiError& e) {
      return http::Response::error(e.status, e.what());
    } catch (const queue::JobNotFound& e) {
      return http::Response::error(404, e.what());
    } catch (const queue::InvalidJobState& e) {
      return http::Response::error(409, e.what());
    } catch (const queue::BackendUnavailable& e) {
      auto res = http::Response::error(
          503, std::string("Queue unavailable, retry later (") + e.what() + ")");
      res.headers.emplace_back("Retry-After", "5");
      return res;
    } catch (const store::Unavailable&) {
      // The database is down or the pool exhausted: a retryable condition, not a bug.
      auto res = http::Response::error(503, "Database unavailable, retry later");
      res.headers.emplace_back("Retry-After", "5");
      return res;
    }
  };
}

}  // namespace crawler::api

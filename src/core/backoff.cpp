// Exponential backoff with jitter (see backoff.h for the design).
#include "core/backoff.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace crawler {

void validate(const BackoffOptions& options) {
  if (options.initial.count() <= 0) {
    throw std::invalid_argument("backoff: initial delay must be positive");
  }
  // `!(x >= 1)` also rejects NaN.
  if (!(options.factor >= 1.0) || !std::isfinite(options.factor)) {
    throw std::invalid_argument("backoff: factor must be a finite number >= 1");
  }
  if (options.max < options.initial) {
    throw std::invalid_argument("backoff: max delay must not be below the initial delay");
  }
  if (!(options.jitter >= 0.0 && options.jitter <= 1.0)) {
    throw std::invalid_argument("backoff: jitter must be in [0, 1]");
  }
}

std::chrono::milliseconds backoff_ceiling(const BackoffOptions& options, std::uint32_t failures) {
  // In floating point: initial * factor^n overflows any integer type after a few dozen
  // failures, and a double saturates to inf, which the min() below turns into max.
  const double grown = static_cast<double>(options.initial.count()) *
                       std::pow(options.factor, static_cast<double>(failures));
  const double capped = std::min(grown, static_cast<double>(options.max.count()));
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(capped));
}

std::chrono::milliseconds apply_jitter(std::chrono::milliseconds ceiling, double jitter,
                                       double unit) {
  if (ceiling.count() <= 0) return std::chrono::milliseconds(0);
  unit = std::clamp(unit, 0.0, 1.0);
  const double scaled = static_cast<double>(ceiling.count()) * (1.0 - jitter * unit);
  const auto ms = static_cast<std::chrono::milliseconds::rep>(std::llround(scaled));
  return std::chrono::milliseconds(
      std::clamp<std::chrono::milliseconds::rep>(ms, 1, ceiling.count()));
}

Backoff::Backoff(BackoffOptions options) : options_(options) { validate(options_); }

Backoff::Backoff(BackoffOptions options, std::uint64_t seed) : options_(options), seed_(seed) {
  validate(options_);
}

std::chrono::milliseconds Backoff::next() {
  if (!rng_) {
    // minstd_rand: a few bytes of state is plenty for spreading delays; this is not crypto.
    const std::uint64_t seed = seed_ ? *seed_ : std::random_device{}();
    rng_.emplace(static_cast<std::minstd_rand::result_type>(seed % std::minstd_rand::modulus));
  }
  const auto ceiling = backoff_ceiling(options_, failures_);
  if (failures_ < std::numeric_limits<std::uint32_t>::max()) ++failures_;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  return apply_jitter(ceiling, options_.jitter, unit(*rng_));
}

}  // namespace crawler

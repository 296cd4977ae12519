// A Bull job hash (HGETALL's flat field/value array) as a queue::Job.
//
// Bull stores everything as strings: numbers in decimal, opts/data/returnvalue/progress and
// stacktrace as JSON text. Decoding is lenient like Bull's Job.fromJSON: a malformed number
// reads as 0, malformed opts as default options (the raw text is kept in opts_json), a
// malformed stacktrace as none. Data is passed through untouched: validating it is the
// worker's job, so that a bad job fails visibly instead of vanishing in a getter.
#pragma once

#include <string>
#include <vector>

#include "queue/queue.h"
#include "redis/reply.h"

namespace crawler::queue::bull {

Job job_from_fields(std::string id, const std::vector<redis::Reply>& flat_fields);

}  // namespace crawler::queue::bull

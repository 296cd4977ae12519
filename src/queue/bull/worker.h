// Factory of the Bull backend's Worker (implementation in worker.cpp). Internal.
#pragma once

#include <memory>

#include "queue/bull/shared.h"
#include "queue/queue.h"

namespace crawler::queue::bull {

std::unique_ptr<Worker> make_bull_worker(const QueueSite& site, const WorkerOptions& options,
                                         Handler handler);

}  // namespace crawler::queue::bull

// Factory of the Bull backend's EventStream (implementation in events.cpp). Internal.
#pragma once

#include <memory>

#include "queue/bull/shared.h"
#include "queue/queue.h"

namespace crawler::queue::bull {

std::unique_ptr<EventStream> make_bull_event_stream(const QueueSite& site);

// Decodes one message of the completed / failed / progress channel (payloads as Bull
// publishes them); nullopt for anything else or a malformed payload.
std::optional<QueueEvent> decode_event(const Keys& keys, const std::string& channel,
                                       const std::string& payload);

}  // namespace crawler::queue::bull

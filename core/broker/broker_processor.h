// BrokerProcessor: routes each request code to its handler. Codes the broker does not serve
// are answered with REQUEST_CODE_NOT_SUPPORTED, never a dropped connection. Connection closes
// remove the client from its consumer and producer groups.
#pragma once

#include "broker/admin_processor.h"
#include "broker/broker_context.h"
#include "broker/client_manage_processor.h"
#include "broker/pull_message_processor.h"
#include "broker/send_message_processor.h"
#include "net/request_processor.h"

namespace mq::core {

class BrokerProcessor final : public RequestProcessor {
 public:
  explicit BrokerProcessor(BrokerContext& context);

  void process(const Channel& channel, RemotingCommand request, Responder respond) override;
  void on_channel_close(const Channel& channel) override;
  // Sends append deferred (MessageWriter::put with defer): written together here.
  void on_requests_end() noexcept override;

  ClientManageProcessor& clients() noexcept { return clients_; }

 private:
  BrokerContext& context_;
  SendMessageProcessor sender_;
  PullMessageProcessor puller_;
  ClientManageProcessor clients_;
  AdminProcessor admin_;
};

}  // namespace mq::core

// The DeadLetterQueue on the SQS dead-letter queue of the share queue
// (sqs_share_queue.hpp): the messages the share queue moved there itself,
// with their last error, attempts and times (dead_letter_message.hpp), and
// those its redrive policy moved (their worker never settled them; their
// error says so and their attempts are the policy's maxReceiveCount).
//
// SQS has no way to read a queue without receiving from it. So every
// method but Depth first receives the whole dead-letter queue, 10 at a
// time, each message hidden for `list_visibility_seconds` (so that each is
// seen once; duplicates by MessageId are dropped), until a receive answers
// none; then it makes what it keeps visible again
// (ChangeMessageVisibilityBatch 0). A listing therefore hides the dead
// letters for a moment: a second listing at the same time sees fewer, and
// so does a redrive. Calls: ceil(n/10)+1 ReceiveMessage, ceil(n/10)
// ChangeMessageVisibilityBatch, and GetQueueAttributes of the share queue
// when a message came by the redrive policy.
//
// Redrive sends the event back to the share queue as a new message, visible
// now (so its receive count starts again) with its trace context and
// failure history, then deletes it from the dead-letter queue (every copy
// of its event id there). RedriveAll does so for each event id. A message
// whose body is no share event is listed under its SQS MessageId and is
// redriven as it is (it is dead-lettered again when received).
//
// Thread-safe (no state of its own); errors as SqsShareQueue's.
#pragma once

#include "wdrbe/aws/aws_clients.hpp"
#include "wdrbe/queue/dead_letter_queue.hpp"
#include "wdrbe/queue/sqs/sqs_message.hpp"
#include "wdrbe/queue/sqs/sqs_queues.hpp"

namespace wdrbe::sqs {

struct SqsDeadLetterOptions {
  // Long polling of the listing's receives, 0-20 s. On SQS a receive
  // without it asks only some of the queue's servers and may answer none
  // while messages wait; 1 s asks them all, and is what the last, empty
  // receive of every listing then costs. 0 where the engine answers
  // exactly (tests on a local engine).
  int list_wait_time_seconds = 1;
  // How long a listing hides each dead letter at most (it shows them again
  // itself when done): longer than a listing takes.
  int list_visibility_seconds = 30;
  // A listing stops after this many messages (SQS: at most 100 receives).
  int max_listed = 1000;
};

class SqsDeadLetterQueue final : public DeadLetterQueue {
 public:
  // `clients` must outlive the queue.
  SqsDeadLetterQueue(aws::AwsClients& clients, SqsQueues queues, SqsDeadLetterOptions options = {})
      : clients_(clients), queues_(std::move(queues)), options_(options) {}

  // Oldest dead-lettering first.
  Task<Result<std::vector<DeadLetter>>> List() override;
  Task<Result<std::optional<DeadLetter>>> Get(std::string event_id) override;
  Task<Status> Redrive(std::string event_id) override;
  Task<Result<std::int64_t>> RedriveAll() override;
  // The dead-letter queue's approximate depth (no receive).
  Task<Result<std::int64_t>> Depth() override;

 private:
  struct Scanned {
    ReceivedMessage message;
    DeadLetter letter;
  };
  // Every dead letter, oldest first, visible again.
  Task<Result<std::vector<DeadLetter>>> ReadAll();
  // Every dead letter, oldest first, each hidden until Show.
  Task<Result<std::vector<Scanned>>> Scan();
  // Visible again; a handle whose lease already ended is skipped.
  Task<Status> Show(std::vector<const Scanned*> scanned);
  Task<Status> Remove(std::vector<const Scanned*> scanned);
  Task<Status> SendBack(const Scanned& scanned);
  // The share queue's RedrivePolicy maxReceiveCount; 0 when unknown.
  Task<int> PolicyMaxReceives();

  aws::AwsClients& clients_;
  const SqsQueues queues_;
  const SqsDeadLetterOptions options_;
};

}  // namespace wdrbe::sqs

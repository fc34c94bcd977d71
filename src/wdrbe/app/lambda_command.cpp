#include "wdrbe/app/lambda_command.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "wdrbe/app/services.hpp"
#include "wdrbe/base/run_to_completion.hpp"
#include "wdrbe/lambda/api_function.hpp"
#include "wdrbe/lambda/runtime_api.hpp"
#include "wdrbe/lambda/runtime_loop.hpp"
#include "wdrbe/lambda/worker_function.hpp"

namespace wdrbe::app {
namespace {

constexpr char kInitErrorType[] = "Runtime.InitError";

std::string_view CommandName(LambdaFunction function) {
  return function == LambdaFunction::kApi ? "lambda api" : "lambda worker";
}

std::string RuntimeApiAddress() {
  const char* address = std::getenv("AWS_LAMBDA_RUNTIME_API");
  return address == nullptr ? std::string() : std::string(address);
}

// Tells Lambda why the function could not start (on an io_context of its
// own: the service's was never made), and says it on stderr too.
int FailInit(LambdaFunction function, const Error& error) {
  std::cerr << "wdrbe " << CommandName(function) << ": " << error.message << std::endl;
  const std::string address = RuntimeApiAddress();
  if (address.empty()) return 1;
  boost::asio::io_context io;
  auto runtime = lambda::RuntimeApi::Create(io, address);
  if (!runtime.ok()) return 1;
  // On `io`, which the client's connections belong to.
  const Status reported = RunToCompletion(io, (*runtime)->ReportInitError({kInitErrorType, error.message}));
  if (!reported.ok())
    std::cerr << "wdrbe " << CommandName(function) << ": " << reported.error().message << std::endl;
  return 1;
}

// How long an invocation's answer may wait for its spans to reach the
// collector (a local one: the ADOT Lambda layer's, docs/operations.md).
constexpr std::chrono::milliseconds kSpanFlushDeadline{2000};

// What an invocation leaves before its answer is posted, since Lambda may
// freeze the process right after: its business metrics (EMF, found in
// CloudWatch Logs by the invocation's request id) and its spans.
lambda::AfterInvocation FinishInvocation(Services& s) {
  if (!s.emf && !s.spans) return {};
  return [&s](const lambda::Invocation& invocation) {
    if (s.emf) {
      const auto documents = s.emf->Take(s.clock.NowMillis(), {{"awsRequestId", invocation.request_id},
                                                               {"xrayTraceId", invocation.trace_id}});
      for (const std::string& document : documents) s.logger->WriteRecord(document);
    }
    if (s.spans) s.spans->Flush(kSpanFlushDeadline);
  };
}

}  // namespace

int RunLambda(LambdaFunction function, const ServeConfig& config) {
  // Before anything else: outside Lambda there is nobody to serve.
  const std::string address = RuntimeApiAddress();
  if (Status usable = lambda::RuntimeApi::CheckAddress(address); !usable.ok()) {
    return FailInit(function, usable.error());
  }
  auto flags = ValidateServeConfig(config);
  if (!flags.ok()) return FailInit(function, flags.error());
  const ProcessRole role =
      function == LambdaFunction::kApi ? ProcessRole::kLambdaApi : ProcessRole::kLambdaWorker;
  auto opened = Services::Open(config, *flags, role);
  if (!opened.ok()) return FailInit(function, opened.error());
  Services& s = **opened;
  auto runtime = lambda::RuntimeApi::Create(s.io, address);
  if (!runtime.ok()) return FailInit(function, runtime.error());

  std::unique_ptr<lambda::InvocationHandler> handler;
  if (function == LambdaFunction::kApi) {
    handler = std::make_unique<lambda::ApiFunction>(*s.dispatcher,
                                                    [ids = s.ids.get()] { return ids->NextUnordered(); });
  } else {
    auto worker =
        std::make_unique<lambda::WorkerFunction>(*s.share_handler, s.metrics->worker, *s.logger, s.faults);
    if (s.spans) worker->SetTracing(s.Spans(config));
    handler = std::move(worker);
  }
  if (config.backend == kEmbeddedBackend) {
    s.logger->Log(obs::LogLevel::kWarn,
                  "the embedded backend keeps its data in this function instance's --data-dir, which Lambda "
                  "discards with the instance: for trying events locally only; deploy with --backend aws",
                  {{"dataDir", config.data_dir}});
  }

  int exit_code = 0;
  // Lambda ends a runtime with SIGKILL. SIGTERM (an emulator, a test, the
  // shutdown phase with extensions) ends it as abruptly, between or during
  // invocations alike, but with the store's queued writes finished and the
  // log written: the call in progress, if any, is never answered, as with
  // SIGKILL, and Lambda retries or fails that invocation.
  boost::asio::signal_set signals(s.io, SIGTERM, SIGINT);
  signals.async_wait([&s](const boost::system::error_code& ec, int) {
    if (ec) return;
    s.backend.close();
    if (s.spans) s.spans->Stop();
    s.logger->LogAlways(obs::LogLevel::kInfo, "stopped by a signal");
    s.logger->Flush();
    std::_Exit(0);
  });
  if (s.jwks_cache != nullptr) s.jwks_cache->Start();
  boost::asio::co_spawn(
      s.io,
      [&]() -> Task<void> {
        Task<int> serving =
            lambda::ServeInvocations(**runtime, *handler, *s.logger, s.clock, FinishInvocation(s));
        exit_code = co_await std::move(serving);
        s.io.stop();
      },
      boost::asio::detached);
  s.logger->LogAlways(obs::LogLevel::kInfo, "wdrbe " + std::string(CommandName(function)) + " ready",
                      {{"backend", s.backend.description}, {"runtimeApi", address}});
  s.io.run();
  // The loop has ended (it stops the io_context only then): nothing is in
  // flight.
  s.backend.close();
  s.logger->LogAlways(obs::LogLevel::kInfo, "stopped");
  return exit_code;
}

}  // namespace wdrbe::app

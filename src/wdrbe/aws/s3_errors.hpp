// What S3's failures are and what they mean to a caller.
//
// S3 answers errors as XML (<Error><Code>NoSuchKey</Code><Message>...),
// or with no body at all (HEAD, some 403s and 5xx from the front end).
// S3Error maps them onto the closed set of codes:
//
// - 404 NoSuchKey (or a bare 404): kNotFound.
// - NoSuchBucket, AccessDenied (any 403: also a missing key when the
//   caller lacks s3:ListBucket on the bucket), and the other answers that mean the
//   deployment is wrong (InvalidAccessKeyId, SignatureDoesNotMatch, a
//   bucket in another region): kUnavailable, with a message naming the
//   bucket and what to fix; the HTTP layer logs it and shows clients a
//   generic text.
// - Throttling (SlowDown, 503), 5xx and transport failures: kUnavailable.
// - Any other 4xx is a request this code should not have made: kInternal.
#pragma once

#include <string>
#include <string_view>

#include "wdrbe/aws/http_client.hpp"
#include "wdrbe/aws/json_protocol.hpp"
#include "wdrbe/base/error.hpp"

namespace wdrbe::aws {

// The AwsError of a non-2xx answer: <Code> and <Message> of the XML body
// when there is one, and whether the retry policy retries it.
AwsError ParseS3Error(const HttpResponse& response);

// `operation` names the call ("GetObject"), `bucket` and `key` its target
// (`key` empty for bucket calls).
Error S3Error(const AwsError& error, std::string_view operation, std::string_view bucket,
              std::string_view key);

}  // namespace wdrbe::aws

#include "wdrbe/aws/sigv4.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "wdrbe/base/crypto.hpp"

namespace wdrbe::aws {
namespace {

// The inputs every case of AWS's SigV4 test suite shares.
constexpr std::string_view kSuiteAccessKey = "AKIDEXAMPLE";
constexpr std::string_view kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::int64_t kSuiteTimeMs = 1440938160000;  // 2015-08-30T12:36:00Z
constexpr std::string_view kSuiteCredential =
    "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
constexpr std::string_view kStsToken =
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTfl"
    "fKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlR"
    "d8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3"
    "iSIlTJabIQwj2ICCR/oLxBA==";
constexpr std::string_view kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct SuiteCase {
  std::string name;
  std::string method;
  std::string path;
  QueryList query;
  HeaderList headers;
  std::string payload;
  std::string session_token;
  std::string canonical_request;
  std::string string_to_sign_hash;  // the last line of the string to sign
  std::string signed_headers;
  std::string signature;
};

std::string Vanilla(std::string_view method, std::string_view uri, std::string_view query = "") {
  return std::string(method) + "\n" + std::string(uri) + "\n" + std::string(query) +
         "\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" +
         std::string(kEmptyHash);
}

const HeaderList kHost = {{"Host", "example.amazonaws.com"}};

// Transcribed from the suite's request, canonical request, string to sign
// and signed request files.
std::vector<SuiteCase> SuiteCases() {
  return {
      {"get-vanilla",
       "GET",
       "/",
       {},
       kHost,
       "",
       "",
       Vanilla("GET", "/"),
       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"post-vanilla",
       "POST",
       "/",
       {},
       kHost,
       "",
       "",
       Vanilla("POST", "/"),
       "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
       "host;x-amz-date",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"get-vanilla-query-order-key-case",
       "GET",
       "/",
       {{"Param2", "value2"}, {"Param1", "value1"}},
       kHost,
       "",
       "",
       Vanilla("GET", "/", "Param1=value1&Param2=value2"),
       "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
       "host;x-amz-date",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-query-order-encoded",
       "GET",
       "/",
       {{"Param-3", "Value3"}, {"Param", "Value2"}, {"\xE1\x88\xB4", "Value1"}},
       kHost,
       "",
       "",
       Vanilla("GET", "/", "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"),
       "868294f5c38bd141c4972a373a76654f1418a8e4fc18b2e7903ae45e8ae0ec71",
       "host;x-amz-date",
       "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac"},
      {"get-vanilla-query-unreserved",
       "GET",
       "/",
       {{"-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
         "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}},
       kHost,
       "",
       "",
       Vanilla("GET", "/",
               "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
               "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
       "c30d4703d9f799439be92736156d47ccfb2d879ddf56f5befa6d1d6aab979177",
       "host;x-amz-date",
       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-vanilla-utf8-query",
       "GET",
       "/",
       {{"\xE1\x88\xB4", "bar"}},
       kHost,
       "",
       "",
       Vanilla("GET", "/", "%E1%88%B4=bar"),
       "eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073",
       "host;x-amz-date",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get-header-value-trim",
       "GET",
       "/",
       {},
       {{"Host", "example.amazonaws.com"}, {"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
       "",
       "",
       "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\n"
       "x-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\n" +
           std::string(kEmptyHash),
       "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
       "host;my-header1;my-header2;x-amz-date",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"get-header-key-duplicate",
       "GET",
       "/",
       {},
       {{"Host", "example.amazonaws.com"},
        {"My-Header1", "value2"},
        {"My-Header1", "value2"},
        {"My-Header1", "value1"}},
       "",
       "",
       "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\n"
       "x-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n" +
           std::string(kEmptyHash),
       "dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c",
       "host;my-header1;x-amz-date",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-header-value-order",
       "GET",
       "/",
       {},
       {{"Host", "example.amazonaws.com"},
        {"My-Header1", "value4"},
        {"My-Header1", "value1"},
        {"My-Header1", "value3"},
        {"My-Header1", "value2"}},
       "",
       "",
       "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value4,value1,value3,value2\n"
       "x-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n" +
           std::string(kEmptyHash),
       "31ce73cd3f3d9f66977ad3dd957dc47af14df92fcd8509f59b349e9137c58b86",
       "host;my-header1;x-amz-date",
       "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
      {"get-header-value-multiline",
       "GET",
       "/",
       {},
       {{"Host", "example.amazonaws.com"}, {"My-Header1", "value1\r\n  value2\r\n     value3"}},
       "",
       "",
       "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1 value2 value3\n"
       "x-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n" +
           std::string(kEmptyHash),
       "e99419459a677bc11de234014be3c4e72c1ea5b454ceb58b613061f5d7a162e8",
       "host;my-header1;x-amz-date",
       "cfd34249e4b1c8d6b91ef74165d41a32e5fab3306300901bb65a51a73575eefd"},
      {"post-header-value-case",
       "POST",
       "/",
       {},
       {{"Host", "example.amazonaws.com"}, {"My-Header1", "VALUE1"}},
       "",
       "",
       "POST\n/\n\nhost:example.amazonaws.com\nmy-header1:VALUE1\n"
       "x-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\n" +
           std::string(kEmptyHash),
       "d51ced243e649e3de6ef63afbbdcbca03131a21a7103a1583706a64618606a93",
       "host;my-header1;x-amz-date",
       "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
      {"post-x-www-form-urlencoded",
       "POST",
       "/",
       {},
       {{"Content-Type", "application/x-www-form-urlencoded"},
        {"Host", "example.amazonaws.com"},
        {"Content-Length", "13"},
        {"X-Amz-Content-Sha256", "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"}},
       "Param1=value1",
       "",
       "POST\n/\n\ncontent-length:13\ncontent-type:application/x-www-form-urlencoded\n"
       "host:example.amazonaws.com\n"
       "x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e\n"
       "x-amz-date:20150830T123600Z\n\ncontent-length;content-type;host;x-amz-content-sha256;x-amz-date\n"
       "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
       "b1edd1d03544c25390e32085d55b57acc9a3961bb59415ff86c45c3d89d16cfb",
       "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
       "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"},
      {"get-utf8",
       "GET",
       "/\xE1\x88\xB4",
       {},
       kHost,
       "",
       "",
       Vanilla("GET", "/%E1%88%B4"),
       "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102",
       "host;x-amz-date",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get-unreserved",
       "GET",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {},
       kHost,
       "",
       "",
       Vanilla("GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
       "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9",
       "host;x-amz-date",
       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get-space-normalized",
       "GET",
       "/example space/",
       {},
       kHost,
       "",
       "",
       Vanilla("GET", "/example%20space/"),
       "63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86",
       "host;x-amz-date",
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
      {"get-slash-normalized",
       "GET",
       "//",
       {},
       kHost,
       "",
       "",
       Vanilla("GET", "/"),
       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slashes-normalized",
       "GET",
       "//example//",
       {},
       kHost,
       "",
       "",
       Vanilla("GET", "/example/"),
       "cb96b4ac96d501f7c5c15bc6d67b3035061cfced4af6585ad927f7e6c985c015",
       "host;x-amz-date",
       "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
      {"get-slash-dot-slash-normalized",
       "GET",
       "/./",
       {},
       kHost,
       "",
       "",
       Vanilla("GET", "/"),
       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash-pointless-dot-normalized",
       "GET",
       "/./example",
       {},
       kHost,
       "",
       "",
       Vanilla("GET", "/example"),
       "214d50c111a8edc4819da6a636336472c916b5240f51e9a51b5c3305180cf702",
       "host;x-amz-date",
       "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"},
      {"get-relative-normalized",
       "GET",
       "/example/..",
       {},
       kHost,
       "",
       "",
       Vanilla("GET", "/"),
       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-relative-relative-normalized",
       "GET",
       "/example1/example2/../..",
       {},
       kHost,
       "",
       "",
       Vanilla("GET", "/"),
       "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-with-session-token",
       "GET",
       "/",
       {},
       kHost,
       "",
       "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267",
       "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n"
       "x-amz-security-token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267\n\n"
       "host;x-amz-date;x-amz-security-token\n" +
           std::string(kEmptyHash),
       "067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b",
       "host;x-amz-date;x-amz-security-token",
       "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"},
      {"post-sts-header-before",
       "POST",
       "/",
       {},
       kHost,
       "",
       std::string(kStsToken),
       "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-security-token:" +
           std::string(kStsToken) + "\n\nhost;x-amz-date;x-amz-security-token\n" + std::string(kEmptyHash),
       "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
       "host;x-amz-date;x-amz-security-token",
       "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"},
  };
}

class SigV4SuiteTest : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(SigV4SuiteTest, MatchesEveryStepOfThePublishedVector) {
  const SuiteCase& c = GetParam();
  SignableRequest request{c.method, c.path, c.query, c.headers, c.payload};
  const Credentials credentials{std::string(kSuiteAccessKey), std::string(kSuiteSecret), c.session_token, {}};
  const SigV4Signature signature = SignRequest(request, credentials, {"us-east-1", "service"}, kSuiteTimeMs);

  EXPECT_EQ(signature.canonical_request, c.canonical_request);
  EXPECT_EQ(signature.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n" +
                c.string_to_sign_hash);
  EXPECT_EQ(signature.signature, c.signature);
  EXPECT_EQ(signature.authorization, "AWS4-HMAC-SHA256 " + std::string(kSuiteCredential) +
                                         ", SignedHeaders=" + c.signed_headers +
                                         ", Signature=" + c.signature);
}

INSTANTIATE_TEST_SUITE_P(AwsSuite, SigV4SuiteTest, ::testing::ValuesIn(SuiteCases()),
                         [](const auto& case_info) {
                           std::string name = case_info.param.name;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

std::string HeaderValue(const HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "";
}

TEST(SigV4Test, AddsDateTokenAndAuthorizationHeadersAndReplacesStaleOnes) {
  SignableRequest request{"GET", "/", {}, {{"Host", "example.amazonaws.com"}, {"x-amz-date", "old"}}, ""};
  request.headers.emplace_back("Authorization", "stale");
  const Credentials credentials{"AKID", "SECRET", "TOKEN", {}};
  const SigV4Signature signature = SignRequest(request, credentials, {"us-east-1", "sqs"}, kSuiteTimeMs);
  EXPECT_EQ(HeaderValue(request.headers, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(HeaderValue(request.headers, "X-Amz-Security-Token"), "TOKEN");
  EXPECT_EQ(HeaderValue(request.headers, "Authorization"), signature.authorization);
  EXPECT_EQ(request.headers.size(), 4u);  // Host, X-Amz-Date, X-Amz-Security-Token, Authorization
}

TEST(SigV4Test, LeavesTransportHeadersUnsigned) {
  SignableRequest request{"POST",
                          "/",
                          {},
                          {{"Host", "example.amazonaws.com"},
                           {"User-Agent", "wdrbe"},
                           {"Connection", "keep-alive"},
                           {"X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"}},
                          ""};
  const Credentials credentials{std::string(kSuiteAccessKey), std::string(kSuiteSecret), "", {}};
  const SigV4Signature signature = SignRequest(request, credentials, {"us-east-1", "service"}, kSuiteTimeMs);
  // The same signature as post-vanilla: the extra headers changed nothing.
  EXPECT_EQ(signature.signed_headers, "host;x-amz-date");
  EXPECT_EQ(signature.signature, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

// A DynamoDB GetItem as the JSON protocol sends it. The expected values were
// computed once, independently, with Python's hashlib and hmac from the
// same inputs.
TEST(SigV4Test, SignsADynamoDbJsonPost) {
  const std::string body =
      R"({"TableName":"WardrobeTable","Key":{"PK":{"S":"ITEM#1"},"SK":{"S":"METADATA"}}})";
  SignableRequest request{"POST",
                          "/",
                          {},
                          {{"Host", "dynamodb.eu-west-1.amazonaws.com"},
                           {"Content-Type", "application/x-amz-json-1.0"},
                           {"X-Amz-Target", "DynamoDB_20120810.GetItem"}},
                          body};
  const Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", {}};
  const SigV4Signature signature =
      SignRequest(request, credentials, {"eu-west-1", "dynamodb"}, 1764064800000);
  EXPECT_EQ(signature.canonical_request,
            "POST\n/\n\ncontent-type:application/x-amz-json-1.0\nhost:dynamodb.eu-west-1.amazonaws.com\n"
            "x-amz-date:20251125T100000Z\nx-amz-target:DynamoDB_20120810.GetItem\n\n"
            "content-type;host;x-amz-date;x-amz-target\n"
            "ec2a7ae851f738d25f4fbcb1f1dbab6a3482e43816429741ae50a5894c118445");
  EXPECT_EQ(signature.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20251125/eu-west-1/dynamodb/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
            "Signature=68a4548dea155880e94aa4e616ee84b5f6ea64095fde97f2a9e2a0c454ce1e93");
}

TEST(SigV4Test, CanonicalUriKeepsEncodedBytesEncodedOnceMore) {
  // A path already encoded on the wire is encoded again, as non-S3
  // services compute it.
  EXPECT_EQ(CanonicalUri("/a%20b"), "/a%2520b");
  EXPECT_EQ(CanonicalUri(""), "/");
  EXPECT_EQ(CanonicalUri("/a/b/../c/./"), "/a/c/");
  EXPECT_EQ(CanonicalUri("/../.."), "/");
}

TEST(SigV4Test, DerivesTheDocumentedSigningKey) {
  // AWS's documentation example: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY,
  // 20120215, us-east-1, iam.
  EXPECT_EQ(
      ToHex(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")),
      "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

// S3's variant, on the examples of "Examples: Signature Calculations in
// AWS Signature Version 4" (S3 API reference, header-based authentication):
// access key AKIAIOSFODNN7EXAMPLE, bucket examplebucket, us-east-1,
// 2013-05-24T00:00:00Z. The canonical requests, string-to-sign digests and
// signatures are the published ones.
constexpr std::string_view kS3ExampleAccessKey = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kS3ExampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::int64_t kS3ExampleTimeMs = 1369353600000;  // 20130524T000000Z
constexpr std::string_view kS3ExampleHost = "examplebucket.s3.amazonaws.com";

SigV4Signature SignS3Example(SignableRequest& request) {
  const Credentials credentials{std::string(kS3ExampleAccessKey), std::string(kS3ExampleSecret), "", {}};
  return SignS3Request(request, credentials, {"us-east-1", "s3"}, kS3ExampleTimeMs);
}

std::string S3ExampleStringToSign(std::string_view canonical_request_hash) {
  return "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n" +
         std::string(canonical_request_hash);
}

TEST(SigV4S3Test, SignsThePublishedGetObjectExample) {
  SignableRequest request{
      "GET", "/test.txt", {}, {{"Host", std::string(kS3ExampleHost)}, {"Range", "bytes=0-9"}}, ""};
  const SigV4Signature signature = SignS3Example(request);

  EXPECT_EQ(signature.canonical_request,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:" +
                std::string(kEmptyHash) +
                "\nx-amz-date:20130524T000000Z\n\n"
                "host;range;x-amz-content-sha256;x-amz-date\n" +
                std::string(kEmptyHash));
  EXPECT_EQ(signature.string_to_sign,
            S3ExampleStringToSign("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"));
  EXPECT_EQ(signature.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(HeaderValue(request.headers, "X-Amz-Content-Sha256"), kEmptyHash);
}

TEST(SigV4S3Test, SignsThePublishedPutObjectExampleWithThePathEncodedOnce) {
  // The key "test$file.text" goes on the wire as /test%24file.text; S3
  // signs that, where other services would sign /test%2524file.text.
  SignableRequest request{"PUT",
                          "/" + UriEncode("test$file.text", true),
                          {},
                          {{"Host", std::string(kS3ExampleHost)},
                           {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                           {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                          "Welcome to Amazon S3."};
  const SigV4Signature signature = SignS3Example(request);

  const std::string payload_hash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
  EXPECT_EQ(signature.canonical_request,
            "PUT\n/test%24file.text\n\ndate:Fri, 24 May 2013 00:00:00 GMT\n"
            "host:examplebucket.s3.amazonaws.com\nx-amz-content-sha256:" +
                payload_hash +
                "\nx-amz-date:20130524T000000Z\nx-amz-storage-class:REDUCED_REDUNDANCY\n\n"
                "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n" +
                payload_hash);
  EXPECT_EQ(signature.string_to_sign,
            S3ExampleStringToSign("9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d"));
  EXPECT_EQ(signature.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  EXPECT_EQ(HeaderValue(request.headers, "X-Amz-Content-Sha256"), payload_hash);
}

TEST(SigV4S3Test, SignsThePublishedGetBucketLifecycleAndListObjectsExamples) {
  SignableRequest lifecycle{"GET", "/", {{"lifecycle", ""}}, {{"Host", std::string(kS3ExampleHost)}}, ""};
  EXPECT_EQ(SignS3Example(lifecycle).signature,
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  SignableRequest list{
      "GET", "/", {{"max-keys", "2"}, {"prefix", "J"}}, {{"Host", std::string(kS3ExampleHost)}}, ""};
  EXPECT_EQ(SignS3Example(list).signature,
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4S3Test, SignsThePathAsGivenWithoutNormalisingIt) {
  // Dot segments and repeated slashes are part of an S3 key.
  SignableRequest request{"GET", "/a//b/../c%20d", {}, {{"Host", std::string(kS3ExampleHost)}}, ""};
  const SigV4Signature signature = SignS3Example(request);
  EXPECT_TRUE(signature.canonical_request.starts_with("GET\n/a//b/../c%20d\n"))
      << signature.canonical_request;
}

TEST(SigV4S3Test, ReplacesAStaleContentHashAndSignsTheSessionToken) {
  SignableRequest request{
      "PUT", "/k", {}, {{"Host", std::string(kS3ExampleHost)}, {"x-amz-content-sha256", "stale"}}, "body"};
  const Credentials credentials{"AKID", "SECRET", "TOKEN", {}};
  const SigV4Signature signature = SignS3Request(request, credentials, {"eu-west-1", "s3"}, kS3ExampleTimeMs);
  EXPECT_EQ(HeaderValue(request.headers, "X-Amz-Content-Sha256"), ToHex(Sha256("body")));
  EXPECT_EQ(std::count_if(request.headers.begin(), request.headers.end(),
                          [](const auto& h) { return h.first == "x-amz-content-sha256"; }),
            0);
  EXPECT_EQ(signature.signed_headers, "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
}

}  // namespace
}  // namespace wdrbe::aws

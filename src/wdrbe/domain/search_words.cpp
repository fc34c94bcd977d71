#include "wdrbe/domain/search_words.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

namespace wdrbe {
namespace {

const icu::Normalizer2& CompatibilityDecomposition() {
  // ICU's normaliser instances are process-wide, immutable and thread-safe.
  static const icu::Normalizer2* const instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
    // Fails only when ICU's data library is missing, which the package
    // dependency rules out; without it no text could be searched at all.
    if (U_FAILURE(status) || nfkd == nullptr) std::abort();
    return nfkd;
  }();
  return *instance;
}

bool IsWordCharacter(UChar32 c) {
  const std::int32_t category = U_GET_GC_MASK(c);
  return u_isalnum(c) || (category & (U_GC_MC_MASK | U_GC_ME_MASK)) != 0;
}

}  // namespace

void AppendSearchWords(std::string_view text, std::vector<std::string>& words) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString folded = CompatibilityDecomposition().normalize(
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size()))),
      status);
  if (U_FAILURE(status)) return;
  folded.foldCase(U_FOLD_CASE_DEFAULT);

  icu::UnicodeString word;
  const auto end_word = [&] {
    if (word.isEmpty()) return;
    std::string utf8;
    word.toUTF8String(utf8);
    words.push_back(std::move(utf8));
    word.remove();
  };
  for (std::int32_t i = 0; i < folded.length();) {
    const UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    // Accents (and other non-spacing marks) vanish inside a word rather
    // than splitting it: "e" + U+0301 is "e".
    if (U_GET_GC_MASK(c) & U_GC_MN_MASK) continue;
    if (IsWordCharacter(c)) {
      word.append(c);
    } else {
      end_word();
    }
  }
  end_word();
}

std::vector<std::string> SearchWordsOf(std::string_view text) {
  std::vector<std::string> words;
  AppendSearchWords(text, words);
  return words;
}

}  // namespace wdrbe

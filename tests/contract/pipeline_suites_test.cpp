// The contract suites of the whole share pipeline, the optional atomic
// capabilities and durability, compiled once (see item_store_suites_test.cpp).
#include "contract/atomic_share_sender_suite.hpp"
#include "contract/atomic_share_settler_suite.hpp"
#include "contract/durability_suite.hpp"
#include "contract/share_pipeline_suite.hpp"

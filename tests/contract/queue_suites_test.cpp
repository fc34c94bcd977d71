// The share queue's and dead-letter queue's contract suites, compiled once
// (see item_store_suites_test.cpp).
#include "contract/dead_letter_suite.hpp"
#include "contract/queue_depth_suite.hpp"
#include "contract/share_queue_suite.hpp"
#include "contract/share_queue_timing_suite.hpp"

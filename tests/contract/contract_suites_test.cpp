// The tests of every contract suite, compiled once; each adapter's
// instantiation file runs them on its backends (contract_suites.hpp).
#include "contract/atomic_share_sender_suite.hpp"
#include "contract/atomic_share_settler_suite.hpp"
#include "contract/dead_letter_suite.hpp"
#include "contract/durability_suite.hpp"
#include "contract/item_store_create_suite.hpp"
#include "contract/item_store_edit_suite.hpp"
#include "contract/item_store_list_suite.hpp"
#include "contract/item_store_share_suite.hpp"
#include "contract/queue_depth_suite.hpp"
#include "contract/share_pipeline_suite.hpp"
#include "contract/share_queue_suite.hpp"
#include "contract/share_queue_timing_suite.hpp"

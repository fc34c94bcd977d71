// FakeClock is header-only; this unit keeps the test target list explicit.
#include "testing/fake_clock.hpp"

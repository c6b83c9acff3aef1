#pragma once

namespace lntune {

// While armed, a second SIGINT or SIGTERM exits the process with status 130 at once (see interrupt.cc).
void arm_interrupt_guard();
void disarm_interrupt_guard();
// Signals counted since the guard was last armed.
int interrupts_received();

}  // namespace lntune

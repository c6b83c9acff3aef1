// A second SIGINT/SIGTERM must end the process at once, even while JavaScript is inside a long synchronous
// step and cannot run its own signal handlers. While armed, these handlers count signals: the first is passed
// on to the handler that was installed before (libuv's, which queues the JavaScript 'SIGINT' event for after
// the step, though not before callbacks already queued), a second one exits with status 130 from inside the
// handler. The count is also readable, so a training loop learns of the first signal as soon as its step ends.
#include "interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace lntune {

namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM};
struct sigaction previous[2];
std::atomic<int> received{0};
bool armed = false;

void forward(int sig, siginfo_t* info, void* context) {
  for (int i = 0; i < 2; i++) {
    if (kSignals[i] != sig) continue;
    const struct sigaction& p = previous[i];
    if (p.sa_flags & SA_SIGINFO) {
      if (p.sa_sigaction != nullptr) p.sa_sigaction(sig, info, context);
    } else if (p.sa_handler != SIG_IGN && p.sa_handler != SIG_DFL && p.sa_handler != nullptr) {
      p.sa_handler(sig);
    }
  }
}

void on_signal(int sig, siginfo_t* info, void* context) {
  if (received.fetch_add(1) >= 1) {
    static const char message[] = "\nlntune: interrupted again; quitting now\n";
    ssize_t ignored = write(STDERR_FILENO, message, sizeof(message) - 1);
    (void)ignored;
    _exit(130);
  }
  forward(sig, info, context);
}

}  // namespace

void arm_interrupt_guard() {
  if (armed) return;
  received.store(0);
  struct sigaction action = {};
  action.sa_sigaction = on_signal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (int i = 0; i < 2; i++) sigaction(kSignals[i], &action, &previous[i]);
  armed = true;
}

int interrupts_received() { return received.load(); }

void disarm_interrupt_guard() {
  if (!armed) return;
  for (int i = 0; i < 2; i++) sigaction(kSignals[i], &previous[i], nullptr);
  armed = false;
}

}  // namespace lntune

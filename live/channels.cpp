#include "live/channels.h"

#include <cerrno>
#include <ctime>

namespace cadenza::live {

void Wakeup::wait_for(int64_t micros) {
  timespec deadline{};
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_nsec += long(micros % 1000000) * 1000;
  deadline.tv_sec += time_t(micros / 1000000) + deadline.tv_nsec / 1000000000;
  deadline.tv_nsec %= 1000000000;
  while (sem_timedwait(&sem_, &deadline) != 0 && errno == EINTR) {
  }
}

}  // namespace cadenza::live

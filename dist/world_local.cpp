// world() of a build without MPI: always the single process.
#include "dist/local_communicator.h"

namespace cadenza::dist {

Communicator& world() {
  static LocalCommunicator local;
  return local;
}

bool mpi_available() { return false; }

}  // namespace cadenza::dist

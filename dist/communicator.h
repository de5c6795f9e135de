#pragma once
// The ranks of a data-parallel job and the collectives data-parallel training needs.
//
// world() is the job this process belongs to: under an MPI launcher (mpirun, mpiexec,
// Slurm srun) and with the MPI build feature on (CADENZA_HAVE_MPI), an MPI communicator
// over MPI_COMM_WORLD; otherwise a single-process one whose collectives do nothing. MPI
// is only initialised when a launcher's environment says so, so a plain `cadenza train`
// never starts MPI's runtime.
//
// Every collective must be called by every rank, in the same order, with buffers of the
// same length (MPI's rule). A failed collective (a rank died, the network went away)
// throws with MPI's reason instead of returning garbage.
#include <cstdlib>
#include <span>
#include <string>

namespace cadenza::dist {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual std::string backend() const = 0;  // "local" or "mpi"

  // Element-wise sum over the ranks, in place; returns when the result is here.
  virtual void allreduce_sum(std::span<double> data) = 0;
  virtual void allreduce_sum(std::span<float> data) = 0;
  // Starts an in-place sum and returns at once; `data` must stay alive and untouched until
  // wait_all(). progress() lets started sums advance (MPI moves data only inside MPI calls),
  // so calling it now and then during other work is what overlaps communication with it.
  virtual void start_allreduce_sum(std::span<float> data) = 0;
  virtual void progress() = 0;
  virtual void wait_all() = 0;

  // Copies root's `data` into every rank's.
  virtual void broadcast(std::span<float> data, int root) = 0;
  virtual void barrier() = 0;

  // Ends the whole job (every rank) with exit status `code`; for an error on one rank
  // that the others, waiting in a collective, would otherwise never hear of.
  [[noreturn]] void abort(int code) {
    end_job(code);
    std::_Exit(code);  // end_job need not return, but this process ends either way
  }

 protected:
  virtual void end_job(int code) = 0;  // MPI_Abort; nothing for a single process
};

// This process's job (created on first use, lives until exit).
Communicator& world();

// True when the build has the MPI feature (find_package(MPI) found it).
bool mpi_available();

}  // namespace cadenza::dist

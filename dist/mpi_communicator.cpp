// world() of a build with MPI: MPI_COMM_WORLD when started by an MPI launcher.
#include <mpi.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "dist/local_communicator.h"
#include "engine/error.h"

namespace cadenza::dist {
namespace {

using Clock = std::chrono::steady_clock;

// Launchers announce themselves in the environment: Open MPI's mpirun, PMI (MPICH,
// Intel MPI, Slurm srun --mpi=pmi2) and PMIx (srun --mpi=pmix, Open MPI 5).
bool launched_by_mpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MV2_COMM_WORLD_SIZE"})
    if (std::getenv(var)) return true;
  return false;
}

// How long a collective may wait for the other ranks before the job is declared stuck:
// CADENZA_DIST_TIMEOUT seconds, default 600 (rank 0 validating and checkpointing while
// the others wait must fit in it).
double timeout_seconds() {
  const char* s = std::getenv("CADENZA_DIST_TIMEOUT");
  if (!s) return 600;
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  CADENZA_CHECK(end != s && *end == '\0' && v > 0,
                "CADENZA_DIST_TIMEOUT must be a positive number of seconds, not '{}'", s);
  return v;
}

std::string mpi_error_string(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, text, &len);
  return std::string(text, static_cast<size_t>(len));
}

int checked_count(size_t n, const char* op) {
  CADENZA_CHECK(n <= static_cast<size_t>(INT_MAX), "{}: {} elements is more than one MPI call carries", op, n);
  return static_cast<int>(n);
}

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator() : timeout_(timeout_seconds()) {
    int provided = 0;
    // Only the thread that runs the training loop calls MPI (TBB workers never do).
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    // Errors come back as codes, which become exceptions naming the call, instead of
    // MPI's default of aborting with its own message.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiCommunicator() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string backend() const override { return "mpi"; }

  void allreduce_sum(std::span<double> d) override {
    MPI_Request r;
    check(MPI_Iallreduce(MPI_IN_PLACE, d.data(), checked_count(d.size(), "allreduce"), MPI_DOUBLE, MPI_SUM,
                         MPI_COMM_WORLD, &r),
          "MPI_Iallreduce");
    wait({&r, 1}, "allreduce");
  }
  void allreduce_sum(std::span<float> d) override {
    start_allreduce_sum(d);
    wait_all();
  }
  void start_allreduce_sum(std::span<float> d) override {
    MPI_Request r;
    check(MPI_Iallreduce(MPI_IN_PLACE, d.data(), checked_count(d.size(), "allreduce"), MPI_FLOAT, MPI_SUM,
                         MPI_COMM_WORLD, &r),
          "MPI_Iallreduce");
    pending_.push_back(r);
  }
  void progress() override {
    if (pending_.empty()) return;
    int done = 0;
    check(MPI_Testall(static_cast<int>(pending_.size()), pending_.data(), &done, MPI_STATUSES_IGNORE), "MPI_Testall");
    if (done) pending_.clear();
  }
  void wait_all() override {
    wait(pending_, "allreduce");
    pending_.clear();
  }
  void broadcast(std::span<float> d, int root) override {
    MPI_Request r;
    check(MPI_Ibcast(d.data(), checked_count(d.size(), "broadcast"), MPI_FLOAT, root, MPI_COMM_WORLD, &r),
          "MPI_Ibcast");
    wait({&r, 1}, "broadcast");
  }
  void barrier() override {
    MPI_Request r;
    check(MPI_Ibarrier(MPI_COMM_WORLD, &r), "MPI_Ibarrier");
    wait({&r, 1}, "barrier");
  }

 protected:
  void end_job(int code) override { MPI_Abort(MPI_COMM_WORLD, code); }

 private:
  void check(int code, const char* call) const {
    CADENZA_CHECK(code == MPI_SUCCESS, "{} failed: {} (has another rank died?)", call, mpi_error_string(code));
  }

  // MPI_Waitall with a deadline: a rank that died without the launcher noticing, or that
  // hangs, would otherwise leave the others waiting for ever. Polls tightly for a moment
  // (the usual case: the data is almost there), then sleeps between polls so a waiting
  // rank leaves the cores to ranks still computing.
  void wait(std::span<MPI_Request> reqs, const char* op) const {
    if (reqs.empty()) return;
    const Clock::time_point start = Clock::now();
    for (int polls = 0;; ++polls) {
      int done = 0;
      check(MPI_Testall(static_cast<int>(reqs.size()), reqs.data(), &done, MPI_STATUSES_IGNORE), "MPI_Testall");
      if (done) return;
      const double waited = std::chrono::duration<double>(Clock::now() - start).count();
      CADENZA_CHECK(waited < timeout_,
                    "no answer from the other ranks for {:.0f} s in {} (a rank died or hangs; "
                    "CADENZA_DIST_TIMEOUT sets the limit)",
                    waited, op);
      if (polls > 1000) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }

  int rank_ = 0, size_ = 1;
  double timeout_;
  std::vector<MPI_Request> pending_;
};

}  // namespace

Communicator& world() {
  static const std::unique_ptr<Communicator> job =
      launched_by_mpi() ? std::unique_ptr<Communicator>(std::make_unique<MpiCommunicator>())
                        : std::make_unique<LocalCommunicator>();
  return *job;
}

bool mpi_available() { return true; }

}  // namespace cadenza::dist

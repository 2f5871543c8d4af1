#!/bin/bash
# Submits a sweep (deploy/slurm/sweep.sbatch, a job array) and its merge, which starts once every
# array task has succeeded (--dependency=afterok). The DSLAB_* variables of the environment reach
# the jobs (sbatch exports the environment by default):
#
#   DSLAB_PARTS=lab2 DSLAB_RUNS=500 DSLAB_SEED=1 deploy/slurm/submit.sh
#   DSLAB_IMPL=impls/raft-no-persist-votedfor DSLAB_PARTS=2c deploy/slurm/submit.sh --array=1-32
#
# Arguments go to the sweep's sbatch (e.g. --array, --partition). Prints both job ids.
set -euo pipefail
cd "$(dirname "$0")/../.."
sweep=$(sbatch --parsable "$@" deploy/slurm/sweep.sbatch)
# --parsable prints "jobid" or "jobid;cluster".
sweep=${sweep%%;*}
merge=$(sbatch --parsable --dependency="afterok:$sweep" deploy/slurm/merge.sbatch)
merge=${merge%%;*}
echo "sweep: job $sweep; merge: job $merge (after the whole array succeeds); results in ${DSLAB_RESULTS:-results}/"

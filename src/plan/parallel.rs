//! Profiles planned and cleaned side by side: each is independent (its own folders,
//! databases and owner), so up to `Options::jobs` of them are done at once.

use super::Options;
use crate::deadline;
use crate::profile::Profile;

/// `work` done on each of `items`, with up to `jobs` threads, the results in the order of
/// `items`. `progress` is called on the calling thread as each item is taken up.
/// Near the run's deadline no item is begun: `late` says what stands for it.
pub(super) fn each<I: Sync, T: Send>(
    items: &[I],
    opts: &Options,
    profile_of: impl Fn(&I) -> &Profile,
    progress: &mut dyn FnMut(&Profile),
    work: impl Fn(&I) -> T + Sync,
    late: impl Fn(&I) -> T + Sync,
) -> Vec<T> {
    let jobs = opts.jobs.min(items.len());
    let deadline = opts.deadline;
    let work = |item: &I| {
        if deadline::is_near(deadline) {
            late(item)
        } else {
            work(item)
        }
    };
    if jobs <= 1 {
        return items
            .iter()
            .map(|item| {
                progress(profile_of(item));
                work(item)
            })
            .collect();
    }
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    let next = AtomicUsize::new(0);
    let (taken, taken_rx) = mpsc::channel::<usize>();
    let mut results: Vec<Option<T>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    // A worker's spans and log lines belong to the command that started it.
    let dispatch = tracing::dispatcher::get_default(|d| d.clone());
    let span = tracing::Span::current();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                let (next, taken, work, dispatch, span) =
                    (&next, taken.clone(), &work, &dispatch, &span);
                scope.spawn(move || {
                    tracing::dispatcher::with_default(dispatch, || {
                        let _entered = span.enter();
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(item) = items.get(i) else { break };
                            let _ = taken.send(i);
                            done.push((i, work(item)));
                        }
                        done
                    })
                })
            })
            .collect();
        drop(taken);
        for i in taken_rx {
            progress(profile_of(&items[i]));
        }
        for worker in workers {
            // A worker that panicked takes the whole command down, as it would on one thread.
            for (i, result) in worker
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e))
            {
                results[i] = Some(result);
            }
        }
    });
    results
        .into_iter()
        .map(|r| r.expect("every item was done"))
        .collect()
}

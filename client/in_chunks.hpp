/*
 * in_chunks.hpp — work over the items [0, n) split into contiguous chunks,
 * one thread per chunk, the results handed back in chunk order.
 *
 * Reading a folder of a thousand migrations is a thousand opens, parses and
 * checksums before the upload can start; a deploy waits for them. On a
 * second core they take half the time, and the order of files and problems
 * stays what one thread would give.
 */
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <future>
#include <thread>
#include <vector>

namespace pgmigrate::client {

/*
 * Calls work(begin, end, chunk) for each chunk; the first runs on the calling
 * thread. Fewer than min_per_thread items per thread: one chunk, no thread.
 * An exception from any chunk is rethrown once every chunk has ended.
 */
template <typename Chunk, typename Work>
std::vector<Chunk>
InChunks(std::size_t n, std::size_t min_per_thread, Work work)
{
	std::size_t threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
	threads = std::max<std::size_t>(1, std::min<std::size_t>(threads, n / std::max<std::size_t>(1, min_per_thread)));
	std::vector<Chunk> chunks(threads);
	std::size_t per = (n + threads - 1) / threads;
	std::vector<std::future<void>> others;
	for (std::size_t t = 1; t < threads; t++) {
		std::size_t begin = std::min(n, t * per), end = std::min(n, begin + per);
		others.push_back(
		    std::async(std::launch::async, [&work, &chunks, t, begin, end] { work(begin, end, chunks[t]); }));
	}
	std::exception_ptr error;
	try {
		work(0, std::min(n, per), chunks[0]);
	} catch (...) {
		error = std::current_exception();
	}
	for (std::future<void> &other : others) {
		try {
			other.get();
		} catch (...) {
			if (!error)
				error = std::current_exception();
		}
	}
	if (error)
		std::rethrow_exception(error);
	return chunks;
}

} // namespace pgmigrate::client

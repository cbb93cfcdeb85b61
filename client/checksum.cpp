/* checksum.cpp — SHA-256 through OpenSSL's EVP interface. */
#include "checksum.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace pgmigrate::client {

namespace {

/*
 * OpenSSL 3 looks the algorithm up on every EVP_sha256() digest (a locked
 * table search); a deploy hashes every file, so the lookup is done once and
 * each thread keeps one context to reuse.
 */
const EVP_MD *
Sha256()
{
	static const std::unique_ptr<EVP_MD, void (*)(EVP_MD *)> md(EVP_MD_fetch(nullptr, "SHA256", nullptr), EVP_MD_free);
	if (!md)
		throw std::runtime_error("SHA-256 is not available in OpenSSL");
	return md.get();
}

EVP_MD_CTX *
ThreadContext()
{
	thread_local const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX *)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
	if (!ctx)
		throw std::runtime_error("SHA-256 computation failed in OpenSSL: out of memory");
	return ctx.get();
}

} // namespace

std::string
Sha256Hex(std::string_view bytes)
{
	EVP_MD_CTX *ctx = ThreadContext();
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int length = 0;
	if (EVP_DigestInit_ex2(ctx, Sha256(), nullptr) != 1 || EVP_DigestUpdate(ctx, bytes.data(), bytes.size()) != 1 ||
	    EVP_DigestFinal_ex(ctx, digest, &length) != 1)
		throw std::runtime_error("SHA-256 computation failed in OpenSSL");
	static constexpr char kHex[] = "0123456789abcdef";
	std::string out;
	out.reserve(2 * length);
	for (unsigned int i = 0; i < length; i++) {
		out.push_back(kHex[digest[i] >> 4]);
		out.push_back(kHex[digest[i] & 0x0f]);
	}
	return out;
}

} // namespace pgmigrate::client

/* checksum.cpp — SHA-256 through OpenSSL's EVP interface. */
#include "checksum.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace pgmigrate::client {

std::string
Sha256Hex(std::string_view bytes)
{
	std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX *)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int length = 0;
	if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
	    EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
	    EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1)
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

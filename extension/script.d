extension/script.o: extension/script.cpp extension/script.hpp
extension/script.hpp:

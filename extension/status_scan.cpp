/* status_scan.cpp — status() rows in index order (see status_scan.hpp). */
#include "status_scan.hpp"

#include "guard.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"
}

namespace pgmigrate {

namespace {

/* status()'s columns, in its declared order, as columns of migrate.migrations. */
constexpr int kColumns = 11;
constexpr const char *kSource[kColumns] = {
    "stream",        "version",  "name",       "state",    "applied_at", "duration_ms",
    "transactional", "down_sql", "db_version", "checksum", nullptr /* progress: only while a runner works */};
constexpr int kHasDown = 7; /* has_down: down_sql IS NOT NULL */

/*
 * Heap attribute numbers of kSource in desc; false when one is missing or its
 * type is not the one status() declares for it (out).
 */
bool
SourceAttributes(TupleDesc desc, TupleDesc out, AttrNumber *attnums)
{
	if (out->natts != kColumns)
		return false;
	for (int c = 0; c < kColumns; c++) {
		attnums[c] = InvalidAttrNumber;
		if (kSource[c] == nullptr)
			continue;
		for (int a = 0; a < desc->natts; a++) {
			Form_pg_attribute att = TupleDescAttr(desc, a);
			if (!att->attisdropped && strcmp(NameStr(att->attname), kSource[c]) == 0)
				attnums[c] = att->attnum;
		}
		if (attnums[c] == InvalidAttrNumber)
			return false;
		Oid declared = TupleDescAttr(out, c)->atttypid;
		Oid stored = TupleDescAttr(desc, attnums[c] - 1)->atttypid;
		if (c == kHasDown ? declared != BOOLOID : declared != stored)
			return false;
	}
	return true;
}

/* The index is (stream, version_key) of migrate.migrations, in that order. */
bool
IsStreamVersionIndex(Relation index, TupleDesc heap_desc)
{
	Form_pg_index form = index->rd_index;
	if (form->indnatts != 2)
		return false;
	const char *expected[2] = {"stream", "version_key"};
	for (int k = 0; k < 2; k++) {
		AttrNumber attnum = form->indkey.values[k];
		if (attnum <= 0 || strcmp(NameStr(TupleDescAttr(heap_desc, attnum - 1)->attname), expected[k]) != 0)
			return false;
	}
	return true;
}

} // namespace

bool
ScanStatusInto(FunctionCallInfo fcinfo, const std::vector<std::string> &streams)
{
	/* Everything below may ereport: no C++ object with a destructor is created inside. */
	return pg::Call([&]() -> bool {
		Oid schema = get_namespace_oid("migrate", false);
		Oid table_oid = get_relname_relid("migrations", schema);
		Oid index_oid = get_relname_relid("migrations_stream_version_key_key", schema);
		if (!OidIsValid(table_oid) || !OidIsValid(index_oid))
			return false;
		Relation table = table_open(table_oid, AccessShareLock);
		Relation index = index_open(index_oid, AccessShareLock);
		TupleDesc heap_desc = RelationGetDescr(table);
		auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
		TupleDesc out_desc = rsinfo->setDesc;
		AttrNumber source[kColumns];
		if (!IsStreamVersionIndex(index, heap_desc) || !SourceAttributes(heap_desc, out_desc, source)) {
			index_close(index, AccessShareLock);
			table_close(table, AccessShareLock);
			return false;
		}

		Datum *heap_values = static_cast<Datum *>(palloc(sizeof(Datum) * heap_desc->natts));
		bool *heap_nulls = static_cast<bool *>(palloc(sizeof(bool) * heap_desc->natts));
		Datum values[kColumns];
		bool nulls[kColumns];
		for (std::size_t s = 0; s < streams.size(); s++) {
			ScanKeyData key;
			ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_TEXTEQ, CStringGetTextDatum(streams[s].c_str()));
			key.sk_collation = index->rd_indcollation[0];
			SysScanDesc scan = systable_beginscan_ordered(table, index, GetActiveSnapshot(), 1, &key);
			HeapTuple tuple;
			while ((tuple = systable_getnext_ordered(scan, ForwardScanDirection)) != nullptr) {
				heap_deform_tuple(tuple, heap_desc, heap_values, heap_nulls);
				for (int c = 0; c < kColumns; c++) {
					if (kSource[c] == nullptr) {
						values[c] = (Datum)0;
						nulls[c] = true;
						continue;
					}
					int a = source[c] - 1;
					if (c == kHasDown) {
						values[c] = BoolGetDatum(!heap_nulls[a]);
						nulls[c] = false;
						continue;
					}
					nulls[c] = heap_nulls[a];
					values[c] = heap_values[a];
					/* plain text: a toasted or compressed value must not end up in the result as is */
					if (!nulls[c] && TupleDescAttr(out_desc, c)->atttypid == TEXTOID)
						values[c] = PointerGetDatum(PG_DETOAST_DATUM_PACKED(values[c]));
				}
				tuplestore_putvalues(rsinfo->setResult, out_desc, values, nulls);
			}
			systable_endscan_ordered(scan);
		}
		index_close(index, NoLock);
		table_close(table, NoLock); /* locks held to the end of the transaction, as a query's are */
		return true;
	});
}

} // namespace pgmigrate

/* status_scan.cpp — status() rows in index order (see status_scan.hpp). */
#include "status_scan.hpp"

#include "guard.hpp"
#include "status_columns.hpp"

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

/* The unique index on (stream, version_key), named by the 0.1.6 upgrade script. */
constexpr const char *kStatusIndex = "migrations_by_stream_version_key";

/*
 * Heap attribute numbers of kStatusColumns' sources in desc; false when
 * status() is declared otherwise (out: other names or types) or a source
 * is missing.
 */
bool
SourceAttributes(TupleDesc desc, TupleDesc out, AttrNumber *attnums)
{
	if (out->natts != kStatusColumnCount)
		return false;
	for (int c = 0; c < kStatusColumnCount; c++) {
		const StatusColumn &column = kStatusColumns[c];
		attnums[c] = InvalidAttrNumber;
		if (strcmp(NameStr(TupleDescAttr(out, c)->attname), column.name) != 0)
			return false;
		if (column.kind == StatusSource::kRunner)
			continue;
		for (int a = 0; a < desc->natts; a++) {
			Form_pg_attribute att = TupleDescAttr(desc, a);
			if (!att->attisdropped && strcmp(NameStr(att->attname), column.source) == 0)
				attnums[c] = att->attnum;
		}
		if (attnums[c] == InvalidAttrNumber)
			return false;
		Oid declared = TupleDescAttr(out, c)->atttypid;
		Oid stored = TupleDescAttr(desc, attnums[c] - 1)->atttypid;
		if (column.kind == StatusSource::kPresent ? declared != BOOLOID : declared != stored)
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
		Oid index_oid = get_relname_relid(kStatusIndex, schema);
		if (!OidIsValid(table_oid) || !OidIsValid(index_oid))
			return false;
		Relation table = table_open(table_oid, AccessShareLock);
		Relation index = index_open(index_oid, AccessShareLock);
		TupleDesc heap_desc = RelationGetDescr(table);
		auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
		TupleDesc out_desc = rsinfo->setDesc;
		AttrNumber source[kStatusColumnCount];
		if (!IsStreamVersionIndex(index, heap_desc) || !SourceAttributes(heap_desc, out_desc, source)) {
			index_close(index, AccessShareLock);
			table_close(table, AccessShareLock);
			return false;
		}

		Datum *heap_values = static_cast<Datum *>(palloc(sizeof(Datum) * heap_desc->natts));
		bool *heap_nulls = static_cast<bool *>(palloc(sizeof(bool) * heap_desc->natts));
		Datum values[kStatusColumnCount];
		bool nulls[kStatusColumnCount];
		for (std::size_t s = 0; s < streams.size(); s++) {
			ScanKeyData key;
			ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_TEXTEQ, CStringGetTextDatum(streams[s].c_str()));
			key.sk_collation = index->rd_indcollation[0];
			SysScanDesc scan = systable_beginscan_ordered(table, index, GetActiveSnapshot(), 1, &key);
			HeapTuple tuple;
			while ((tuple = systable_getnext_ordered(scan, ForwardScanDirection)) != nullptr) {
				heap_deform_tuple(tuple, heap_desc, heap_values, heap_nulls);
				for (int c = 0; c < kStatusColumnCount; c++) {
					if (kStatusColumns[c].kind == StatusSource::kRunner) {
						values[c] = (Datum)0;
						nulls[c] = true;
						continue;
					}
					int a = source[c] - 1;
					if (kStatusColumns[c].kind == StatusSource::kPresent) {
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

//! Facet counts that cost what the matching documents cost: every dimension is a
//! multi-valued string fast field, and the collector counts term ordinals of the
//! matching documents only (tantivy's own facet collector walks every facet of the
//! segment, which is slow when free-text keywords make tens of thousands of them).

use std::collections::{BTreeMap, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Values converted to text per segment and dimension when there are more: the merged
/// top values are exact unless a value is outside the top of every segment.
const PER_SEGMENT: usize = 200;

pub(crate) struct FacetCounter {
    /// Fast-field names, one per dimension.
    pub fields: Vec<String>,
}

pub(crate) struct SegmentFacetCounter {
    columns: Vec<Option<StrColumn>>,
    /// Per dimension, a count per term ordinal of the segment's dictionary.
    counts: Vec<Vec<u32>>,
}

/// Per dimension: value → count.
pub(crate) type FacetFruit = Vec<HashMap<String, u64>>;

impl Collector for FacetCounter {
    type Fruit = FacetFruit;
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounter> {
        let columns = self
            .fields
            .iter()
            .map(|f| segment.fast_fields().str(f))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(SegmentFacetCounter {
            counts: columns
                .iter()
                .map(|c| vec![0; c.as_ref().map_or(0, |c| c.num_terms())])
                .collect(),
            columns,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        let mut out: FacetFruit = vec![HashMap::new(); self.fields.len()];
        for fruit in fruits {
            for (dim, values) in fruit.into_iter().enumerate() {
                for (v, n) in values {
                    *out[dim].entry(v).or_default() += n;
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (col, counts) in self.columns.iter().zip(self.counts.iter_mut()) {
            if let Some(col) = col {
                for ord in col.term_ords(doc) {
                    counts[ord as usize] += 1;
                }
            }
        }
    }

    fn harvest(self) -> FacetFruit {
        let mut buf = String::new();
        self.columns
            .iter()
            .zip(self.counts)
            .map(|(col, counts)| {
                let Some(col) = col else {
                    return HashMap::new();
                };
                let mut top: Vec<(u64, u32)> = counts
                    .into_iter()
                    .enumerate()
                    .filter(|(_, n)| *n > 0)
                    .map(|(ord, n)| (ord as u64, n))
                    .collect();
                if top.len() > PER_SEGMENT {
                    top.select_nth_unstable_by(PER_SEGMENT, |a, b| {
                        b.1.cmp(&a.1).then(a.0.cmp(&b.0))
                    });
                    top.truncate(PER_SEGMENT);
                }
                top.into_iter()
                    .filter_map(|(ord, n)| match col.ord_to_str(ord, &mut buf) {
                        Ok(true) => Some((buf.clone(), n as u64)),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }
}

/// The `limit` most frequent values of each dimension, ties by value.
pub(crate) fn top(
    fruit: FacetFruit,
    dims: &[&str],
    limit: usize,
) -> BTreeMap<String, Vec<crate::FacetValue>> {
    dims.iter()
        .zip(fruit)
        .map(|(d, values)| {
            let mut v: Vec<crate::FacetValue> = values
                .into_iter()
                .map(|(value, count)| crate::FacetValue { value, count })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            v.truncate(limit);
            (d.to_string(), v)
        })
        .collect()
}

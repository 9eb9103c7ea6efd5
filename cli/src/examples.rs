//! EXAMPLES sections for `--help` and the man pages (clap's `after_help`).

pub const PRODUCE: &str = "\
Examples:
  driftq produce orders 'hello'                        one message
  driftq produce orders -k user-7 'hello'              keyed: same key, same partition, in order
  seq 1000 | driftq produce orders                     one message per line
  driftq produce orders --key-delimiter : < kv.txt     KEY:VALUE lines (kcat -K)
  driftq produce blobs --input raw --file photo.jpg    the whole file as one value
  driftq consume a -g copy --until-end -o json | driftq produce b --input json   copy a topic";

pub const CONSUME: &str = "\
Examples:
  driftq consume orders -g billing                     follow, print, ack what was printed
  driftq consume orders -g billing -n 10 -o json       ten messages as JSON lines
  driftq consume orders -g audit --until-end --no-ack -o json > leased.jsonl
  driftq ack --stdin < leased.jsonl                    ack them later
  driftq consume orders -g billing --from -100         move the group 100 back first";

pub const READ: &str = "\
Examples:
  driftq read orders                                   everything stored, no group
  driftq read orders -p 0 --offset 100:200             offsets 100..199 of partition 0
  driftq read orders --offset -10                      the last ten of each partition
  driftq read orders --offset @-1h --follow            from an hour ago, then tail";

pub const CHECK: &str = "\
Examples:
  driftq check -g billing --max-lag 10000 --max-oldest 5m
  driftq check --max-dlq 0 -o json                     every group; one JSON object";

pub const CONTEXT: &str = "\
Examples:
  driftq context add prod --url broker.internal:8080 --use
  driftq --context staging topic list
  DRIFTQ_CONTEXT=prod driftq status";

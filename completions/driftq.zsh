#compdef driftq

autoload -U is-at-least

_driftq() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_driftq_commands" \
"*::: :->driftq" \
&& ret=0
    case $state in
    (driftq)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-command-$line[1]:"
        case $line[1] in
            (topic)
_arguments "${_arguments_options[@]}" : \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_driftq__subcmd__topic_commands" \
"*::: :->topic" \
&& ret=0

    case $state in
    (topic)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-topic-command-$line[1]:"
        case $line[1] in
            (create)
_arguments "${_arguments_options[@]}" : \
'-p+[Number of partitions (\`topic alter --partitions\` adds more later)]:PARTITIONS:_default' \
'--partitions=[Number of partitions (\`topic alter --partitions\` adds more later)]:PARTITIONS:_default' \
'--retention-age=[Delete whole segments older than this (e.g. 7d)]:RETENTION_AGE:_default' \
'--retention-bytes=[Keep at most this much per partition (e.g. 10GiB)]:RETENTION_BYTES:_default' \
'--max-attempts=[Messages produced without a retry policy of their own go to dlq.TOPIC after this many deliveries (SQS'\''s maxReceiveCount); with alter, \`none\` removes the policy (they retry forever again)]:MAX_ATTEMPTS:_default' \
'--backoff=[Under that policy, wait this long before the first redelivery, doubling after (e.g. 500ms)]:BACKOFF:_default' \
'--max-backoff=[Under that policy, never wait longer than this between deliveries (e.g. 30s)]:MAX_BACKOFF:_default' \
'--ordering=[\`key\`\: each group delivers a key'\''s messages one at a time, in order — a message is leased only when every earlier message with its key is acked or dead-lettered, and a failed one is retried before the next (SQS FIFO'\''s message groups). Keyless messages are not ordered. Chosen at creation only]:ORDERING:((none\:"Any ready message may be delivered while others are in flight"
key\:"One message per key at a time, in offset order"))' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':name -- Topic name\: 1-249 of A-Z a-z 0-9 . _ -:_default' \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(ls)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(describe)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':name -- Topic name:_default' \
&& ret=0
;;
(alter)
_arguments "${_arguments_options[@]}" : \
'-p+[Grow the topic to this many partitions (never fewer\: removing one would drop its messages). Keys hash over the new count from then on, so a key'\''s later messages may go to another partition than its earlier ones]:PARTITIONS:_default' \
'--partitions=[Grow the topic to this many partitions (never fewer\: removing one would drop its messages). Keys hash over the new count from then on, so a key'\''s later messages may go to another partition than its earlier ones]:PARTITIONS:_default' \
'--retention-age=[Delete whole segments older than this (e.g. 7d); \`none\` removes the limit]:RETENTION_AGE:_default' \
'--retention-bytes=[Keep at most this much per partition (e.g. 10GiB); \`none\` removes the limit]:RETENTION_BYTES:_default' \
'--max-attempts=[Messages produced without a retry policy of their own go to dlq.TOPIC after this many deliveries (SQS'\''s maxReceiveCount); with alter, \`none\` removes the policy (they retry forever again)]:MAX_ATTEMPTS:_default' \
'--backoff=[Under that policy, wait this long before the first redelivery, doubling after (e.g. 500ms)]:BACKOFF:_default' \
'--max-backoff=[Under that policy, never wait longer than this between deliveries (e.g. 30s)]:MAX_BACKOFF:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':name -- Topic name:_default' \
&& ret=0
;;
(purge)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--yes[Do not ask]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':name -- Topic name:_default' \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--yes[Do not ask]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':name -- Topic name:_default' \
&& ret=0
;;
(rm)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--yes[Do not ask]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':name -- Topic name:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__topic__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-topic-help-command-$line[1]:"
        case $line[1] in
            (create)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(describe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(alter)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(purge)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(produce)
_arguments "${_arguments_options[@]}" : \
'--file=[Read messages from this file instead of stdin (\`-\`\: stdin)]:FILE:_files' \
'--input=[How to read messages from stdin or --file]:INPUT:((lines\:"Each line is a value (no trailing newline)"
json\:"Each line is a JSON message as \`consume -o json\` prints it (or, with --value-field, any JSON object whose fields hold the value and key)"
raw\:"All of stdin (or --file) is one value, byte for byte"))' \
'-k+[Message key\: messages with the same key go to the same partition, in order]:KEY:_default' \
'--key=[Message key\: messages with the same key go to the same partition, in order]:KEY:_default' \
'(-k --key)--key-delimiter=[With --input lines\: each line is KEY<SEP>VALUE, split at the first SEP (kcat -K)]:SEP:_default' \
'--value-field=[With --input json\: plain JSON lines, the value taken from this field (a string as text, any other JSON serialised)]:NAME:_default' \
'--key-field=[With --input json and --value-field\: the key taken from this field]:NAME:_default' \
'*-H+[Header name=value (repeatable)]:NAME=VALUE:_default' \
'*--header=[Header name=value (repeatable)]:NAME=VALUE:_default' \
'-p+[Partition to write to instead of the key hash or round robin]:PARTITION:_default' \
'--partition=[Partition to write to instead of the key hash or round robin]:PARTITION:_default' \
'--tenant=[Envelope\: tenant the message belongs to]:TENANT:_default' \
'--run-id=[Envelope\: run id of the agent run]:RUN_ID:_default' \
'--step-id=[Envelope\: step id within the run]:STEP_ID:_default' \
'--idempotency-key=[Envelope\: a producer retry with the same key is stored once (reply says duplicate)]:IDEMPOTENCY_KEY:_default' \
'--max-attempts=[Deliveries before the message goes to the dead-letter topic dlq.<topic>]:MAX_ATTEMPTS:_default' \
'--backoff=[Retry backoff base (e.g. 500ms)]:BACKOFF:_default' \
'--max-backoff=[Retry backoff cap (e.g. 30s)]:MAX_BACKOFF:_default' \
'--deadline=[Refuse delivery after this time (RFC 3339, unix ms, or -DURATION / +DURATION from now)]:DEADLINE:_default' \
'--target-topic=[Envelope\: store the message in this topic instead of TOPIC]:TARGET_TOPIC:_default' \
'--delay=[Hold each message back from every group for this long (e.g. 30s; at most 15m, as SQS'\''s DelaySeconds). Messages produced after it are not held up]:DELAY:_default' \
'--batch=[Messages per request when reading many]:BATCH:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':topic -- Topic to produce to:_default' \
'::value -- The value; without it, messages are read from stdin (or --file), one per line:_default' \
&& ret=0
;;
(consume)
_arguments "${_arguments_options[@]}" : \
'-g+[Consumer group\: groups consume independently; members of one share the messages]:GROUP:_default' \
'--group=[Consumer group\: groups consume independently; members of one share the messages]:GROUP:_default' \
'-n+[Stop after N messages]:COUNT:_default' \
'--count=[Stop after N messages]:COUNT:_default' \
'--from=[Move the group first\: start | end | OFFSET | -N (N before the end) | @TIME]:FROM:_default' \
'*--filter=[Only print matching messages\: key=GLOB | header\:NAME=GLOB | value=GLOB (repeatable, all must match). With --ack the others are acked too\: the group moves past them, as a filtered tail would]:FILTER:_default' \
'--format=[Line template\: %t topic %p partition %o offset %k key %v value %h headers %T timestamp %a attempts %e last error. Keys and values are written as text (the default line escapes control characters and non-UTF-8 bytes; -o json is byte-exact)]:FORMAT:_default' \
'--owner=[Consumer name that holds the leases \[default\: <hostname>-<pid>\]]:OWNER:_default' \
'--lease=[Lease length]:LEASE:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-f[Keep waiting for new messages (the default unless -n or --until-end)]' \
'--follow[Keep waiting for new messages (the default unless -n or --until-end)]' \
'--until-end[Stop when nothing is left to consume]' \
'--force[With --from\: move the group even while it holds leases (their acks will fail), as \`group seek --force\` does]' \
'(--no-ack)--ack[Ack each message after printing it (the default; kept for scripts that say so)]' \
'--no-ack[Leave messages leased\: ack them later with \`driftq ack --stdin\`]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':topic -- Topic to consume from:_default' \
&& ret=0
;;
(ack)
_arguments "${_arguments_options[@]}" : \
'-g+[Consumer group holding the lease]:GROUP:_default' \
'--group=[Consumer group holding the lease]:GROUP:_default' \
'--owner=[Lease owner\: the consumer name the message was leased to (\`owner\` in \`consume -o json\`)]:OWNER:_default' \
'-p+[Partition of the leased message]:PARTITION:_default' \
'--partition=[Partition of the leased message]:PARTITION:_default' \
'--offset=[Offset of the leased message]:OFFSET:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--stdin[Read the messages to settle from stdin, as \`consume -o json\` prints them (one JSON object per line; the flags above fill in what a line lacks)]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::topic -- Topic of the leased message (not needed with --stdin):_default' \
&& ret=0
;;
(nack)
_arguments "${_arguments_options[@]}" : \
'-g+[Consumer group holding the lease]:GROUP:_default' \
'--group=[Consumer group holding the lease]:GROUP:_default' \
'--owner=[Lease owner\: the consumer name the message was leased to (\`owner\` in \`consume -o json\`)]:OWNER:_default' \
'-p+[Partition of the leased message]:PARTITION:_default' \
'--partition=[Partition of the leased message]:PARTITION:_default' \
'--offset=[Offset of the leased message]:OFFSET:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--reason=[Why\: kept with the message, shown by \`group inflight\` and in the DLQ]:REASON:_default' \
'--delay=[Redeliver after this long instead of the message'\''s retry backoff]:DELAY:_default' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--stdin[Read the messages to settle from stdin, as \`consume -o json\` prints them (one JSON object per line; the flags above fill in what a line lacks)]' \
'(--delay)--dead-letter[Send the message to dlq.TOPIC now, whatever attempts it has left (retrying cannot help\: a message that will never parse, say)]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::topic -- Topic of the leased message (not needed with --stdin):_default' \
&& ret=0
;;
(extend)
_arguments "${_arguments_options[@]}" : \
'-g+[Consumer group holding the lease]:GROUP:_default' \
'--group=[Consumer group holding the lease]:GROUP:_default' \
'--owner=[Lease owner\: the consumer name the message was leased to (\`owner\` in \`consume -o json\`)]:OWNER:_default' \
'-p+[Partition of the leased message]:PARTITION:_default' \
'--partition=[Partition of the leased message]:PARTITION:_default' \
'--offset=[Offset of the leased message]:OFFSET:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--lease=[New lease length, counted from now]:LENGTH:_default' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--stdin[Read the messages to settle from stdin, as \`consume -o json\` prints them (one JSON object per line; the flags above fill in what a line lacks)]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::topic -- Topic of the leased message (not needed with --stdin):_default' \
&& ret=0
;;
(group)
_arguments "${_arguments_options[@]}" : \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_driftq__subcmd__group_commands" \
"*::: :->group" \
&& ret=0

    case $state in
    (group)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-group-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(ls)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(describe)
_arguments "${_arguments_options[@]}" : \
'-g+[Consumer group]:GROUP:_default' \
'--group=[Consumer group]:GROUP:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':topic -- Topic the group consumes:_default' \
&& ret=0
;;
(inflight)
_arguments "${_arguments_options[@]}" : \
'-g+[Consumer group]:GROUP:_default' \
'--group=[Consumer group]:GROUP:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':topic -- Topic the group consumes:_default' \
&& ret=0
;;
(messages)
_arguments "${_arguments_options[@]}" : \
'-g+[Consumer group]:GROUP:_default' \
'--group=[Consumer group]:GROUP:_default' \
'--state=[Only messages in this state (dead-lettered\: the ones in dlq.TOPIC this group put there)]:STATE:(queued in-flight retried acked dead-lettered delayed blocked-by-key)' \
'--owner=[Only messages leased to this owner]:OWNER:_default' \
'-n+[At most this many messages]:LIMIT:_default' \
'--limit=[At most this many messages]:LIMIT:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':topic -- Topic the group consumes:_default' \
&& ret=0
;;
(seek)
_arguments "${_arguments_options[@]}" : \
'-g+[Consumer group to move]:GROUP:_default' \
'--group=[Consumer group to move]:GROUP:_default' \
'--to=[start | end | N | -N (N before the end) | +N (N after the start) | @TIME (RFC 3339, unix ms, or -DURATION ago)\: \`driftq read\`'\''s offset grammar, one position]:TO:_default' \
'-p+[Move only this partition \[default\: all\]]:PARTITION:_default' \
'--partition=[Move only this partition \[default\: all\]]:PARTITION:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--force[Seek even while the group holds leases]' \
'--yes[Do not ask]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':topic -- Topic the group consumes:_default' \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
'-g+[Consumer group to delete]:GROUP:_default' \
'--group=[Consumer group to delete]:GROUP:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--force[Delete even while the group holds leases (their acks will fail) or was polled in the last 30 s (a consumer that polls again starts over from the beginning)]' \
'--yes[Do not ask]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':topic -- Topic the group consumes:_default' \
&& ret=0
;;
(rm)
_arguments "${_arguments_options[@]}" : \
'-g+[Consumer group to delete]:GROUP:_default' \
'--group=[Consumer group to delete]:GROUP:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--force[Delete even while the group holds leases (their acks will fail) or was polled in the last 30 s (a consumer that polls again starts over from the beginning)]' \
'--yes[Do not ask]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':topic -- Topic the group consumes:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__group__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-group-help-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(describe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(inflight)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(messages)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(seek)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(dlq)
_arguments "${_arguments_options[@]}" : \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_driftq__subcmd__dlq_commands" \
"*::: :->dlq" \
&& ret=0

    case $state in
    (dlq)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-dlq-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(ls)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(peek)
_arguments "${_arguments_options[@]}" : \
'-n+[Show at most this many messages]:MAX:_default' \
'--max=[Show at most this many messages]:MAX:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':topic -- Origin topic (its DLQ is dlq.<topic>) or the DLQ topic itself:_default' \
&& ret=0
;;
(replay)
_arguments "${_arguments_options[@]}" : \
'--to=[Target topic \[default\: each message'\''s origin\]]:TO:_default' \
'--offsets=[DLQ offsets A\:B (B not included; \`A\:\` to the end) or A-B (both included), in every partition unless --partition]:OFFSETS:_default' \
'--partition=[Only this DLQ partition]:PARTITION:_default' \
'--since=[Dead-lettered at or after (RFC 3339, unix ms, or -DURATION ago)]:SINCE:_default' \
'--until=[Dead-lettered at or before (same forms)]:UNTIL:_default' \
'*--filter=[key=GLOB | header\:NAME=GLOB | error=GLOB (repeatable)]:FILTER:_default' \
'--limit=[Replay at most this many messages]:LIMIT:_default' \
'--rate=[At most N messages per second]:N/s:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--dry-run[Print the plan; change nothing]' \
'--copy[Copy (leave the DLQ depth as is) instead of move]' \
'--include-replayed[Include messages replayed before]' \
'--yes[Do not ask]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':topic -- Origin topic (its DLQ is dlq.<topic>) or the DLQ topic itself:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__dlq__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-dlq-help-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(peek)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(replay)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(status)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(read)
_arguments "${_arguments_options[@]}" : \
'*-p+[Only this partition (repeatable) \[default\: all\]]:PARTITION:_default' \
'*--partition=[Only this partition (repeatable) \[default\: all\]]:PARTITION:_default' \
'--offset=[Where to start (and stop)\: start | end | N | -N | +N | @TIME, or a range A\:B]:OFFSET:_default' \
'-n+[Stop after N messages]:COUNT:_default' \
'--count=[Stop after N messages]:COUNT:_default' \
'--format=[Line template, as \`consume --format\` takes it (%t %p %o %k %v %h %T)]:FORMAT:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'(-n --count)-f[Keep waiting for new messages past the end]' \
'(-n --count)--follow[Keep waiting for new messages past the end]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':topic -- Topic to read:_default' \
&& ret=0
;;
(context)
_arguments "${_arguments_options[@]}" : \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_driftq__subcmd__context_commands" \
"*::: :->context" \
&& ret=0

    case $state in
    (context)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-context-command-$line[1]:"
        case $line[1] in
            (add)
_arguments "${_arguments_options[@]}" : \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--use[Make it the current context too]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':name:_default' \
&& ret=0
;;
(use)
_arguments "${_arguments_options[@]}" : \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':name:_default' \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
'-o+[]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
'-o+[]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::name:_default' \
&& ret=0
;;
(remove)
_arguments "${_arguments_options[@]}" : \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':name:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__context__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-context-help-command-$line[1]:"
        case $line[1] in
            (add)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(use)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(remove)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(check)
_arguments "${_arguments_options[@]}" : \
'--topic=[Only groups of this topic]:TOPIC:_default' \
'-g+[Only this group]:GROUP:_default' \
'--group=[Only this group]:GROUP:_default' \
'--max-lag=[Most messages a group may be behind]:MAX_LAG:_default' \
'--max-oldest=[Oldest a group'\''s unacked message may be, e.g. 5m]:MAX_OLDEST:_default' \
'--max-dlq=[Most messages a group may have dead-lettered]:MAX_DLQ:_default' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(top)
_arguments "${_arguments_options[@]}" : \
'--interval=[Refresh interval (at least 100ms)]:INTERVAL:_default' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(bench)
_arguments "${_arguments_options[@]}" : \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_driftq__subcmd__bench_commands" \
"*::: :->bench" \
&& ret=0

    case $state in
    (bench)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-bench-command-$line[1]:"
        case $line[1] in
            (produce)
_arguments "${_arguments_options[@]}" : \
'--fsync=[fsync mode of the embedded server]:FSYNC:_default' \
'--topic=[Topic to load (created when missing)]:TOPIC:_default' \
'--partitions=[Partitions when the topic is created]:PARTITIONS:_default' \
'--messages=[Messages to produce (and consume)]:MESSAGES:_default' \
'--size=[Value size in bytes]:SIZE:_default' \
'--batch=[Messages per request (produce) / per poll (consume)]:BATCH:_default' \
'--producers=[Concurrent producer connections]:PRODUCERS:_default' \
'--consumers=[Concurrent consumers (consume and e2e)]:CONSUMERS:_default' \
'--duration=[Stop after this long even if messages remain (e.g. 30s)]:DURATION:_default' \
'--rate=[Target produce rate in messages/s across producers (default\: as fast as possible)]:RATE:_default' \
'--wire=[How consumers receive messages\: polls answered in DriftQ'\''s JSON or driftq'\''s binary framing (\`Accept\: application/vnd.driftq.messages\`, docs/API.md), or the NDJSON stream]:WIRE:((json\:""
binary\:""
stream\:"DriftQ'\''s NDJSON consume stream (\`GET /v1/consume\`), acked in a batch per chunk read"))' \
'--keys=[Key the messages with this many distinct keys (k0, k1, …, in turn); keyless by default]:KEYS:_default' \
'--pattern=[Request pattern\: \`batch\` (batch produce and acks, the default) or \`sdk\` (e2e only\: what DriftQ'\''s SDKs do — one message per \`POST /v1/produce\`, consumers on the NDJSON stream, each message acked with its own \`POST /v1/ack\`; latency is produce-to-ack)]:PATTERN:((batch\:""
sdk\:"One message per request, as DriftQ'\''s Go and Python SDKs send and ack them"))' \
'--ordering=[Ordering of the topic when the bench creates it (\`key\`\: a key'\''s messages one at a time, in order; use with --keys)]:ORDERING:((none\:"Any ready message may be delivered while others are in flight"
key\:"One message per key at a time, in offset order"))' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--embedded[Start a server on a temp data dir for the run (ignores --url)]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(consume)
_arguments "${_arguments_options[@]}" : \
'--fsync=[fsync mode of the embedded server]:FSYNC:_default' \
'--topic=[Topic to load (created when missing)]:TOPIC:_default' \
'--partitions=[Partitions when the topic is created]:PARTITIONS:_default' \
'--messages=[Messages to produce (and consume)]:MESSAGES:_default' \
'--size=[Value size in bytes]:SIZE:_default' \
'--batch=[Messages per request (produce) / per poll (consume)]:BATCH:_default' \
'--producers=[Concurrent producer connections]:PRODUCERS:_default' \
'--consumers=[Concurrent consumers (consume and e2e)]:CONSUMERS:_default' \
'--duration=[Stop after this long even if messages remain (e.g. 30s)]:DURATION:_default' \
'--rate=[Target produce rate in messages/s across producers (default\: as fast as possible)]:RATE:_default' \
'--wire=[How consumers receive messages\: polls answered in DriftQ'\''s JSON or driftq'\''s binary framing (\`Accept\: application/vnd.driftq.messages\`, docs/API.md), or the NDJSON stream]:WIRE:((json\:""
binary\:""
stream\:"DriftQ'\''s NDJSON consume stream (\`GET /v1/consume\`), acked in a batch per chunk read"))' \
'--keys=[Key the messages with this many distinct keys (k0, k1, …, in turn); keyless by default]:KEYS:_default' \
'--pattern=[Request pattern\: \`batch\` (batch produce and acks, the default) or \`sdk\` (e2e only\: what DriftQ'\''s SDKs do — one message per \`POST /v1/produce\`, consumers on the NDJSON stream, each message acked with its own \`POST /v1/ack\`; latency is produce-to-ack)]:PATTERN:((batch\:""
sdk\:"One message per request, as DriftQ'\''s Go and Python SDKs send and ack them"))' \
'--ordering=[Ordering of the topic when the bench creates it (\`key\`\: a key'\''s messages one at a time, in order; use with --keys)]:ORDERING:((none\:"Any ready message may be delivered while others are in flight"
key\:"One message per key at a time, in offset order"))' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--embedded[Start a server on a temp data dir for the run (ignores --url)]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(e2e)
_arguments "${_arguments_options[@]}" : \
'--fsync=[fsync mode of the embedded server]:FSYNC:_default' \
'--topic=[Topic to load (created when missing)]:TOPIC:_default' \
'--partitions=[Partitions when the topic is created]:PARTITIONS:_default' \
'--messages=[Messages to produce (and consume)]:MESSAGES:_default' \
'--size=[Value size in bytes]:SIZE:_default' \
'--batch=[Messages per request (produce) / per poll (consume)]:BATCH:_default' \
'--producers=[Concurrent producer connections]:PRODUCERS:_default' \
'--consumers=[Concurrent consumers (consume and e2e)]:CONSUMERS:_default' \
'--duration=[Stop after this long even if messages remain (e.g. 30s)]:DURATION:_default' \
'--rate=[Target produce rate in messages/s across producers (default\: as fast as possible)]:RATE:_default' \
'--wire=[How consumers receive messages\: polls answered in DriftQ'\''s JSON or driftq'\''s binary framing (\`Accept\: application/vnd.driftq.messages\`, docs/API.md), or the NDJSON stream]:WIRE:((json\:""
binary\:""
stream\:"DriftQ'\''s NDJSON consume stream (\`GET /v1/consume\`), acked in a batch per chunk read"))' \
'--keys=[Key the messages with this many distinct keys (k0, k1, …, in turn); keyless by default]:KEYS:_default' \
'--pattern=[Request pattern\: \`batch\` (batch produce and acks, the default) or \`sdk\` (e2e only\: what DriftQ'\''s SDKs do — one message per \`POST /v1/produce\`, consumers on the NDJSON stream, each message acked with its own \`POST /v1/ack\`; latency is produce-to-ack)]:PATTERN:((batch\:""
sdk\:"One message per request, as DriftQ'\''s Go and Python SDKs send and ack them"))' \
'--ordering=[Ordering of the topic when the bench creates it (\`key\`\: a key'\''s messages one at a time, in order; use with --keys)]:ORDERING:((none\:"Any ready message may be delivered while others are in flight"
key\:"One message per key at a time, in offset order"))' \
'-o+[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--embedded[Start a server on a temp data dir for the run (ignores --url)]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__bench__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-bench-help-command-$line[1]:"
        case $line[1] in
            (produce)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(consume)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(e2e)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-help-command-$line[1]:"
        case $line[1] in
            (serve)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(topic)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__help__subcmd__topic_commands" \
"*::: :->topic" \
&& ret=0

    case $state in
    (topic)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-help-topic-command-$line[1]:"
        case $line[1] in
            (create)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(describe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(alter)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(purge)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(produce)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(consume)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(ack)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(nack)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(extend)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(group)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__help__subcmd__group_commands" \
"*::: :->group" \
&& ret=0

    case $state in
    (group)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-help-group-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(describe)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(inflight)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(messages)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(seek)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(delete)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(dlq)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__help__subcmd__dlq_commands" \
"*::: :->dlq" \
&& ret=0

    case $state in
    (dlq)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-help-dlq-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(peek)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(replay)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(read)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(context)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__help__subcmd__context_commands" \
"*::: :->context" \
&& ret=0

    case $state in
    (context)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-help-context-command-$line[1]:"
        case $line[1] in
            (add)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(use)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(remove)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(top)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(bench)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__help__subcmd__bench_commands" \
"*::: :->bench" \
&& ret=0

    case $state in
    (bench)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-help-bench-command-$line[1]:"
        case $line[1] in
            (produce)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(consume)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(e2e)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(auth)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__help__subcmd__auth_commands" \
"*::: :->auth" \
&& ret=0

    case $state in
    (auth)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-help-auth-command-$line[1]:"
        case $line[1] in
            (gen-token)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(hash-token)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(wal)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__help__subcmd__wal_commands" \
"*::: :->wal" \
&& ret=0

    case $state in
    (wal)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-help-wal-command-$line[1]:"
        case $line[1] in
            (inspect)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(import)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(serve)
_arguments "${_arguments_options[@]}" : \
'--addr=[Address to listen on (\`host\:port\`, or \`\:port\` for all interfaces) \[default\: 127.0.0.1\:8080\]]:ADDR:_default' \
'--data-dir=[Data directory \[default\: ./driftq-data\]]:DATA_DIR:_files' \
'--fsync=[When writes reach the disk\: always | interval=<duration> | never \[default\: always\]]:FSYNC:_default' \
'--log-level=[error | warn | info | debug | trace \[default\: info\]]:LOG_LEVEL:_default' \
'--log-format=[Log line format \[default\: text\]]:LOG_FORMAT:(text json)' \
'--max-inflight=[Leases a group may hold per partition \[default\: 1024\]]:MAX_INFLIGHT:_default' \
'--max-partition-msgs=[Unacked messages per partition (behind the slowest group) before produce gets 429 \[default\: 1000000\]]:MAX_PARTITION_MSGS:_default' \
'--max-partition-bytes=[Unacked bytes per partition (behind the slowest group) before produce gets 429, e.g. 512MiB \[default\: 1GiB\]]:MAX_PARTITION_BYTES:_default' \
'--max-message-bytes=[Largest message accepted (key + value + headers + envelope text), e.g. 4MiB \[default\: 1MiB\]]:MAX_MESSAGE_BYTES:_default' \
'--max-body-bytes=[Largest request body accepted, e.g. 64MiB \[default\: 16MiB\]]:MAX_BODY_BYTES:_default' \
'--router-config=[Rule file for the produce router (see docs/API.md) \[default\: no router\]]:ROUTER_CONFIG:_files' \
'--segment-bytes=[Segment size before roll-over, e.g. 256MiB \[default\: 64MiB\]]:SEGMENT_BYTES:_default' \
'--min-free-bytes=[Free space to keep on the data directory'\''s disk\: below it produces are refused (507 \`disk_full\`) while acks, nacks and deletes go on; 0 turns the floor off \[default\: 1GiB or 5% of the disk, whichever is smaller\]]:MIN_FREE_BYTES:_default' \
'--auth-file=[Principals, their token hashes and permissions (TOML; see docs/SECURITY.md); re-read on SIGHUP \[default\: no auth\: every client may do everything\]]:AUTH_FILE:_files' \
'--tls-cert=[PEM certificate chain\: serve https (with --tls-key); re-read on SIGHUP]:TLS_CERT:_files' \
'--tls-key=[PEM private key of --tls-cert]:TLS_KEY:_files' \
'--tls-client-ca=[PEM CA certificates\: require client certificates signed by them (mutual TLS)]:TLS_CLIENT_CA:_files' \
'--max-connections=[Open connections at once; more are answered 503 and closed \[default\: half the open-file limit\]]:MAX_CONNECTIONS:_default' \
'--conn-threads=[Threads that each own the connections dealt to them; 0 serves every connection on one work-stealing runtime \[default\: one per core\]]:CONN_THREADS:_default' \
'--header-timeout=[Time a client has to send a request'\''s headers (and finish a TLS handshake) \[default\: 10s\]]:HEADER_TIMEOUT:_default' \
'--body-timeout=[Time a client has to send a request'\''s body once its headers are in \[default\: 30s\]]:BODY_TIMEOUT:_default' \
'--idle-timeout=[Close a connection with no request in progress after this long \[default\: 60s\]]:IDLE_TIMEOUT:_default' \
'--max-streams-per-principal=[Consume streams one principal may hold open at once \[default\: 64\]]:MAX_STREAMS_PER_PRINCIPAL:_default' \
'--config=[TOML file with any of these settings (keys as the flags, with underscores)]:CONFIG:_files' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--reset[Move the data directory to <dir>.bak.<unix-seconds> and start empty]' \
'--repair[Truncate damaged logs at the damage (keeping the cut bytes aside) instead of refusing to start]' \
'--access-log[Log one \`http\` line per request and echo or create X-Request-Id / X-Trace-Id headers]' \
'--allow-anonymous[Serve clients without tokens on a non-loopback address (refused by default)]' \
'--metrics-public[Serve /metrics without a token even when auth is on \[default\: needs read on every topic\]]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(wal)
_arguments "${_arguments_options[@]}" : \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_driftq__subcmd__wal_commands" \
"*::: :->wal" \
&& ret=0

    case $state in
    (wal)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-wal-command-$line[1]:"
        case $line[1] in
            (inspect)
_arguments "${_arguments_options[@]}" : \
'--from=[Start at this offset]:OFFSET:_default' \
'--limit=[Stop after this many records]:N:_default' \
'-o+[Output format (json\: one object per line, binary-safe)]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format (json\: one object per line, binary-safe)]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'--full[Print keys, headers, values and state records in full instead of a preview]' \
'--index[Dump index and time-index entries instead of records]' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':path -- Data directory, partition directory, or one `.log` segment file:_files' \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
'-o+[Output format (json\: the whole report as one object)]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format (json\: the whole report as one object)]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':path -- Data directory, partition directory, or one `.log` segment file:_files' \
&& ret=0
;;
(import)
_arguments "${_arguments_options[@]}" : \
'--data-dir=[The data directory to create; it must not exist]:DIR:_files' \
'-o+[Output format (json\: the report as one object)]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[Output format (json\: the report as one object)]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':wal -- The DriftQ v1 WAL file (read only):_files' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__wal__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-wal-help-command-$line[1]:"
        case $line[1] in
            (inspect)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(verify)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(import)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(auth)
_arguments "${_arguments_options[@]}" : \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_driftq__subcmd__auth_commands" \
"*::: :->auth" \
&& ret=0

    case $state in
    (auth)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-auth-command-$line[1]:"
        case $line[1] in
            (gen-token)
_arguments "${_arguments_options[@]}" : \
'--name=[Also print an auth-file entry for a principal of this name]:NAME:_default' \
'-o+[]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(hash-token)
_arguments "${_arguments_options[@]}" : \
'-o+[]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--output=[]:OUTPUT:((table\:"Aligned text for people"
wide\:"The table with more columns, where a command has more to show (kubectl'\''s \`-o wide\`)"
json\:"JSON for scripts (NDJSON for streams of records)"
yaml\:"YAML\: one document per record (the JSON output, as YAML)"))' \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':plain:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_driftq__subcmd__auth__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:driftq-auth-help-command-$line[1]:"
        case $line[1] in
            (gen-token)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(hash-token)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':shell -- Shell to complete for:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
'--url=[Server URL (client commands) \[default\: the current context'\''s, else http\://127.0.0.1\:8080\]]:URL:_default' \
'--context=[Named server to use (\`driftq context list\`), after --url and DRIFTQ_URL]:CONTEXT:_default' \
'--timeout=[How long a request may take, and how long writes wait out backpressure (429/503)]:TIMEOUT:_default' \
'--ca-cert=[PEM file of the CA an https server'\''s certificate must chain to (instead of the system'\''s roots) \[default\: the context'\''s\]]:FILE:_files' \
'--token=[Token sent as \`Authorization\: Bearer\` \[default\: the context'\''s\]]:TOKEN:_default' \
'-v[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--verbose[Say each HTTP call on stderr\: method, URL, status, milliseconds]' \
'--insecure[Do not check an https server'\''s certificate at all (said on stderr every time)]' \
'--no-headers[Tables print their rows without the header row]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'::dir -- Directory to write the pages into (created when missing):_files' \
&& ret=0
;;
        esac
    ;;
esac
}

(( $+functions[_driftq_commands] )) ||
_driftq_commands() {
    local commands; commands=(
'topic:Create, list, describe, alter, purge and delete topics' \
'produce:Produce messages\: from the argument, stdin or a file' \
'consume:Consume messages as a group member (leases; acks what it printed unless --no-ack)' \
'ack:Ack leased messages (one, or many from \`consume -o json\` lines with --stdin)' \
'nack:Nack leased messages\: redeliver after the backoff (or --delay), or dead-letter' \
'extend:Extend leases (one, or many from \`consume -o json\` lines with --stdin)' \
'group:Consumer groups\: list, describe, inflight, messages, seek, delete' \
'dlq:Dead-letter queues\: list, peek, replay' \
'status:Is the server up\: version, uptime, address, data dir, fsync mode and totals (exit 1 when unreachable)' \
'read:Read partitions by offset without a group (no lease, no lag)\: kcat -C, rpk without -g' \
'context:Named servers\: add, use, list, show, remove (kept in the XDG config directory)' \
'check:Monitoring probe\: compare groups'\'' lag, oldest unacked age and DLQ count with limits' \
'top:Live dashboard\: lag, inflight, DLQ counts, rates (q quits, ? lists keys)' \
'bench:Load-test a server\: throughput and latency percentiles' \
'help:Print this message or the help of the given subcommand(s)' \
'serve:Run the broker (HTTP API on --addr, data in --data-dir)' \
'wal:Read a data directory offline\: decode records, check checksums and indexes' \
'auth:Tokens for the server'\''s auth file\: make one, or hash one (offline)' \
'completions:Print a shell completion script' \
'man:Write man pages (driftq.1 and one per subcommand) into DIR' \
    )
    _describe -t commands 'driftq commands' commands "$@"
}
(( $+functions[_driftq__subcmd__ack_commands] )) ||
_driftq__subcmd__ack_commands() {
    local commands; commands=()
    _describe -t commands 'driftq ack commands' commands "$@"
}
(( $+functions[_driftq__subcmd__auth_commands] )) ||
_driftq__subcmd__auth_commands() {
    local commands; commands=(
'gen-token:Make a random token (256 bits) and print it with the hash the auth file takes' \
'hash-token:Print the SHA-256 of TOKEN as the auth file'\''s \`token_sha256\` ("-" reads it from stdin, which keeps it out of the shell'\''s history)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq auth commands' commands "$@"
}
(( $+functions[_driftq__subcmd__auth__subcmd__gen-token_commands] )) ||
_driftq__subcmd__auth__subcmd__gen-token_commands() {
    local commands; commands=()
    _describe -t commands 'driftq auth gen-token commands' commands "$@"
}
(( $+functions[_driftq__subcmd__auth__subcmd__hash-token_commands] )) ||
_driftq__subcmd__auth__subcmd__hash-token_commands() {
    local commands; commands=()
    _describe -t commands 'driftq auth hash-token commands' commands "$@"
}
(( $+functions[_driftq__subcmd__auth__subcmd__help_commands] )) ||
_driftq__subcmd__auth__subcmd__help_commands() {
    local commands; commands=(
'gen-token:Make a random token (256 bits) and print it with the hash the auth file takes' \
'hash-token:Print the SHA-256 of TOKEN as the auth file'\''s \`token_sha256\` ("-" reads it from stdin, which keeps it out of the shell'\''s history)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq auth help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__auth__subcmd__help__subcmd__gen-token_commands] )) ||
_driftq__subcmd__auth__subcmd__help__subcmd__gen-token_commands() {
    local commands; commands=()
    _describe -t commands 'driftq auth help gen-token commands' commands "$@"
}
(( $+functions[_driftq__subcmd__auth__subcmd__help__subcmd__hash-token_commands] )) ||
_driftq__subcmd__auth__subcmd__help__subcmd__hash-token_commands() {
    local commands; commands=()
    _describe -t commands 'driftq auth help hash-token commands' commands "$@"
}
(( $+functions[_driftq__subcmd__auth__subcmd__help__subcmd__help_commands] )) ||
_driftq__subcmd__auth__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'driftq auth help help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__bench_commands] )) ||
_driftq__subcmd__bench_commands() {
    local commands; commands=(
'produce:Produce messages as fast as the server takes them' \
'consume:Produce first (not timed), then consume and ack everything (timed)' \
'e2e:Produce and consume at once; latency is produce-to-consume' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq bench commands' commands "$@"
}
(( $+functions[_driftq__subcmd__bench__subcmd__consume_commands] )) ||
_driftq__subcmd__bench__subcmd__consume_commands() {
    local commands; commands=()
    _describe -t commands 'driftq bench consume commands' commands "$@"
}
(( $+functions[_driftq__subcmd__bench__subcmd__e2e_commands] )) ||
_driftq__subcmd__bench__subcmd__e2e_commands() {
    local commands; commands=()
    _describe -t commands 'driftq bench e2e commands' commands "$@"
}
(( $+functions[_driftq__subcmd__bench__subcmd__help_commands] )) ||
_driftq__subcmd__bench__subcmd__help_commands() {
    local commands; commands=(
'produce:Produce messages as fast as the server takes them' \
'consume:Produce first (not timed), then consume and ack everything (timed)' \
'e2e:Produce and consume at once; latency is produce-to-consume' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq bench help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__bench__subcmd__help__subcmd__consume_commands] )) ||
_driftq__subcmd__bench__subcmd__help__subcmd__consume_commands() {
    local commands; commands=()
    _describe -t commands 'driftq bench help consume commands' commands "$@"
}
(( $+functions[_driftq__subcmd__bench__subcmd__help__subcmd__e2e_commands] )) ||
_driftq__subcmd__bench__subcmd__help__subcmd__e2e_commands() {
    local commands; commands=()
    _describe -t commands 'driftq bench help e2e commands' commands "$@"
}
(( $+functions[_driftq__subcmd__bench__subcmd__help__subcmd__help_commands] )) ||
_driftq__subcmd__bench__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'driftq bench help help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__bench__subcmd__help__subcmd__produce_commands] )) ||
_driftq__subcmd__bench__subcmd__help__subcmd__produce_commands() {
    local commands; commands=()
    _describe -t commands 'driftq bench help produce commands' commands "$@"
}
(( $+functions[_driftq__subcmd__bench__subcmd__produce_commands] )) ||
_driftq__subcmd__bench__subcmd__produce_commands() {
    local commands; commands=()
    _describe -t commands 'driftq bench produce commands' commands "$@"
}
(( $+functions[_driftq__subcmd__check_commands] )) ||
_driftq__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'driftq check commands' commands "$@"
}
(( $+functions[_driftq__subcmd__completions_commands] )) ||
_driftq__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'driftq completions commands' commands "$@"
}
(( $+functions[_driftq__subcmd__consume_commands] )) ||
_driftq__subcmd__consume_commands() {
    local commands; commands=()
    _describe -t commands 'driftq consume commands' commands "$@"
}
(( $+functions[_driftq__subcmd__context_commands] )) ||
_driftq__subcmd__context_commands() {
    local commands; commands=(
'add:Add (or replace) a context\: a name for the server given with --url (its token is the global --token, or DRIFTQ_TOKEN; its CA --ca-cert)' \
'use:Make a context the current one' \
'list:List contexts (the current one marked with *)' \
'show:Show a context (the current one by default; tokens are not printed)' \
'remove:Remove a context' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq context commands' commands "$@"
}
(( $+functions[_driftq__subcmd__context__subcmd__add_commands] )) ||
_driftq__subcmd__context__subcmd__add_commands() {
    local commands; commands=()
    _describe -t commands 'driftq context add commands' commands "$@"
}
(( $+functions[_driftq__subcmd__context__subcmd__help_commands] )) ||
_driftq__subcmd__context__subcmd__help_commands() {
    local commands; commands=(
'add:Add (or replace) a context\: a name for the server given with --url (its token is the global --token, or DRIFTQ_TOKEN; its CA --ca-cert)' \
'use:Make a context the current one' \
'list:List contexts (the current one marked with *)' \
'show:Show a context (the current one by default; tokens are not printed)' \
'remove:Remove a context' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq context help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__context__subcmd__help__subcmd__add_commands] )) ||
_driftq__subcmd__context__subcmd__help__subcmd__add_commands() {
    local commands; commands=()
    _describe -t commands 'driftq context help add commands' commands "$@"
}
(( $+functions[_driftq__subcmd__context__subcmd__help__subcmd__help_commands] )) ||
_driftq__subcmd__context__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'driftq context help help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__context__subcmd__help__subcmd__list_commands] )) ||
_driftq__subcmd__context__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'driftq context help list commands' commands "$@"
}
(( $+functions[_driftq__subcmd__context__subcmd__help__subcmd__remove_commands] )) ||
_driftq__subcmd__context__subcmd__help__subcmd__remove_commands() {
    local commands; commands=()
    _describe -t commands 'driftq context help remove commands' commands "$@"
}
(( $+functions[_driftq__subcmd__context__subcmd__help__subcmd__show_commands] )) ||
_driftq__subcmd__context__subcmd__help__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'driftq context help show commands' commands "$@"
}
(( $+functions[_driftq__subcmd__context__subcmd__help__subcmd__use_commands] )) ||
_driftq__subcmd__context__subcmd__help__subcmd__use_commands() {
    local commands; commands=()
    _describe -t commands 'driftq context help use commands' commands "$@"
}
(( $+functions[_driftq__subcmd__context__subcmd__list_commands] )) ||
_driftq__subcmd__context__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'driftq context list commands' commands "$@"
}
(( $+functions[_driftq__subcmd__context__subcmd__remove_commands] )) ||
_driftq__subcmd__context__subcmd__remove_commands() {
    local commands; commands=()
    _describe -t commands 'driftq context remove commands' commands "$@"
}
(( $+functions[_driftq__subcmd__context__subcmd__show_commands] )) ||
_driftq__subcmd__context__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'driftq context show commands' commands "$@"
}
(( $+functions[_driftq__subcmd__context__subcmd__use_commands] )) ||
_driftq__subcmd__context__subcmd__use_commands() {
    local commands; commands=()
    _describe -t commands 'driftq context use commands' commands "$@"
}
(( $+functions[_driftq__subcmd__dlq_commands] )) ||
_driftq__subcmd__dlq_commands() {
    local commands; commands=(
'list:DLQ topics and their depths' \
'ls:DLQ topics and their depths' \
'peek:Show DLQ messages without consuming them\: origin, attempts, error history' \
'replay:Put DLQ messages back on their origin topic (or --to another)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq dlq commands' commands "$@"
}
(( $+functions[_driftq__subcmd__dlq__subcmd__help_commands] )) ||
_driftq__subcmd__dlq__subcmd__help_commands() {
    local commands; commands=(
'list:DLQ topics and their depths' \
'peek:Show DLQ messages without consuming them\: origin, attempts, error history' \
'replay:Put DLQ messages back on their origin topic (or --to another)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq dlq help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__dlq__subcmd__help__subcmd__help_commands] )) ||
_driftq__subcmd__dlq__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'driftq dlq help help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__dlq__subcmd__help__subcmd__list_commands] )) ||
_driftq__subcmd__dlq__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'driftq dlq help list commands' commands "$@"
}
(( $+functions[_driftq__subcmd__dlq__subcmd__help__subcmd__peek_commands] )) ||
_driftq__subcmd__dlq__subcmd__help__subcmd__peek_commands() {
    local commands; commands=()
    _describe -t commands 'driftq dlq help peek commands' commands "$@"
}
(( $+functions[_driftq__subcmd__dlq__subcmd__help__subcmd__replay_commands] )) ||
_driftq__subcmd__dlq__subcmd__help__subcmd__replay_commands() {
    local commands; commands=()
    _describe -t commands 'driftq dlq help replay commands' commands "$@"
}
(( $+functions[_driftq__subcmd__dlq__subcmd__list_commands] )) ||
_driftq__subcmd__dlq__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'driftq dlq list commands' commands "$@"
}
(( $+functions[_driftq__subcmd__dlq__subcmd__peek_commands] )) ||
_driftq__subcmd__dlq__subcmd__peek_commands() {
    local commands; commands=()
    _describe -t commands 'driftq dlq peek commands' commands "$@"
}
(( $+functions[_driftq__subcmd__dlq__subcmd__replay_commands] )) ||
_driftq__subcmd__dlq__subcmd__replay_commands() {
    local commands; commands=()
    _describe -t commands 'driftq dlq replay commands' commands "$@"
}
(( $+functions[_driftq__subcmd__extend_commands] )) ||
_driftq__subcmd__extend_commands() {
    local commands; commands=()
    _describe -t commands 'driftq extend commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group_commands] )) ||
_driftq__subcmd__group_commands() {
    local commands; commands=(
'list:Every consumer group with lag, ready, inflight, oldest unacked age and DLQ count' \
'ls:Every consumer group with lag, ready, inflight, oldest unacked age and DLQ count' \
'describe:Per-partition view of one group on one topic' \
'inflight:Who holds which lease, until when, and how many attempts' \
'messages:Messages as the group sees them\: queued, in flight, retried (failed, waiting for the next delivery) or acked, oldest first from the group'\''s position, with attempts and last error' \
'seek:Move a group'\''s position\: start | end | OFFSET | @TIME' \
'delete:Forget a group\: positions, retries, counters. It stops holding producers back; a consumer that uses the name again starts from the beginning' \
'rm:Forget a group\: positions, retries, counters. It stops holding producers back; a consumer that uses the name again starts from the beginning' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq group commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group__subcmd__delete_commands] )) ||
_driftq__subcmd__group__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'driftq group delete commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group__subcmd__describe_commands] )) ||
_driftq__subcmd__group__subcmd__describe_commands() {
    local commands; commands=()
    _describe -t commands 'driftq group describe commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group__subcmd__help_commands] )) ||
_driftq__subcmd__group__subcmd__help_commands() {
    local commands; commands=(
'list:Every consumer group with lag, ready, inflight, oldest unacked age and DLQ count' \
'describe:Per-partition view of one group on one topic' \
'inflight:Who holds which lease, until when, and how many attempts' \
'messages:Messages as the group sees them\: queued, in flight, retried (failed, waiting for the next delivery) or acked, oldest first from the group'\''s position, with attempts and last error' \
'seek:Move a group'\''s position\: start | end | OFFSET | @TIME' \
'delete:Forget a group\: positions, retries, counters. It stops holding producers back; a consumer that uses the name again starts from the beginning' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq group help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group__subcmd__help__subcmd__delete_commands] )) ||
_driftq__subcmd__group__subcmd__help__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'driftq group help delete commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group__subcmd__help__subcmd__describe_commands] )) ||
_driftq__subcmd__group__subcmd__help__subcmd__describe_commands() {
    local commands; commands=()
    _describe -t commands 'driftq group help describe commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group__subcmd__help__subcmd__help_commands] )) ||
_driftq__subcmd__group__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'driftq group help help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group__subcmd__help__subcmd__inflight_commands] )) ||
_driftq__subcmd__group__subcmd__help__subcmd__inflight_commands() {
    local commands; commands=()
    _describe -t commands 'driftq group help inflight commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group__subcmd__help__subcmd__list_commands] )) ||
_driftq__subcmd__group__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'driftq group help list commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group__subcmd__help__subcmd__messages_commands] )) ||
_driftq__subcmd__group__subcmd__help__subcmd__messages_commands() {
    local commands; commands=()
    _describe -t commands 'driftq group help messages commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group__subcmd__help__subcmd__seek_commands] )) ||
_driftq__subcmd__group__subcmd__help__subcmd__seek_commands() {
    local commands; commands=()
    _describe -t commands 'driftq group help seek commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group__subcmd__inflight_commands] )) ||
_driftq__subcmd__group__subcmd__inflight_commands() {
    local commands; commands=()
    _describe -t commands 'driftq group inflight commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group__subcmd__list_commands] )) ||
_driftq__subcmd__group__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'driftq group list commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group__subcmd__messages_commands] )) ||
_driftq__subcmd__group__subcmd__messages_commands() {
    local commands; commands=()
    _describe -t commands 'driftq group messages commands' commands "$@"
}
(( $+functions[_driftq__subcmd__group__subcmd__seek_commands] )) ||
_driftq__subcmd__group__subcmd__seek_commands() {
    local commands; commands=()
    _describe -t commands 'driftq group seek commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help_commands] )) ||
_driftq__subcmd__help_commands() {
    local commands; commands=(
'serve:Run the broker (HTTP API on --addr, data in --data-dir)' \
'topic:Create, list, describe, alter, purge and delete topics' \
'produce:Produce messages\: from the argument, stdin or a file' \
'consume:Consume messages as a group member (leases; acks what it printed unless --no-ack)' \
'ack:Ack leased messages (one, or many from \`consume -o json\` lines with --stdin)' \
'nack:Nack leased messages\: redeliver after the backoff (or --delay), or dead-letter' \
'extend:Extend leases (one, or many from \`consume -o json\` lines with --stdin)' \
'group:Consumer groups\: list, describe, inflight, messages, seek, delete' \
'dlq:Dead-letter queues\: list, peek, replay' \
'status:Is the server up\: version, uptime, address, data dir, fsync mode and totals (exit 1 when unreachable)' \
'read:Read partitions by offset without a group (no lease, no lag)\: kcat -C, rpk without -g' \
'context:Named servers\: add, use, list, show, remove (kept in the XDG config directory)' \
'check:Monitoring probe\: compare groups'\'' lag, oldest unacked age and DLQ count with limits' \
'top:Live dashboard\: lag, inflight, DLQ counts, rates (q quits, ? lists keys)' \
'bench:Load-test a server\: throughput and latency percentiles' \
'auth:Tokens for the server'\''s auth file\: make one, or hash one (offline)' \
'wal:Read a data directory offline\: decode records, check checksums and indexes' \
'completions:Print a shell completion script' \
'man:Write man pages (driftq.1 and one per subcommand) into DIR' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__ack_commands] )) ||
_driftq__subcmd__help__subcmd__ack_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help ack commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__auth_commands] )) ||
_driftq__subcmd__help__subcmd__auth_commands() {
    local commands; commands=(
'gen-token:Make a random token (256 bits) and print it with the hash the auth file takes' \
'hash-token:Print the SHA-256 of TOKEN as the auth file'\''s \`token_sha256\` ("-" reads it from stdin, which keeps it out of the shell'\''s history)' \
    )
    _describe -t commands 'driftq help auth commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__auth__subcmd__gen-token_commands] )) ||
_driftq__subcmd__help__subcmd__auth__subcmd__gen-token_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help auth gen-token commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__auth__subcmd__hash-token_commands] )) ||
_driftq__subcmd__help__subcmd__auth__subcmd__hash-token_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help auth hash-token commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__bench_commands] )) ||
_driftq__subcmd__help__subcmd__bench_commands() {
    local commands; commands=(
'produce:Produce messages as fast as the server takes them' \
'consume:Produce first (not timed), then consume and ack everything (timed)' \
'e2e:Produce and consume at once; latency is produce-to-consume' \
    )
    _describe -t commands 'driftq help bench commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__bench__subcmd__consume_commands] )) ||
_driftq__subcmd__help__subcmd__bench__subcmd__consume_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help bench consume commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__bench__subcmd__e2e_commands] )) ||
_driftq__subcmd__help__subcmd__bench__subcmd__e2e_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help bench e2e commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__bench__subcmd__produce_commands] )) ||
_driftq__subcmd__help__subcmd__bench__subcmd__produce_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help bench produce commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__check_commands] )) ||
_driftq__subcmd__help__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help check commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__completions_commands] )) ||
_driftq__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help completions commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__consume_commands] )) ||
_driftq__subcmd__help__subcmd__consume_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help consume commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__context_commands] )) ||
_driftq__subcmd__help__subcmd__context_commands() {
    local commands; commands=(
'add:Add (or replace) a context\: a name for the server given with --url (its token is the global --token, or DRIFTQ_TOKEN; its CA --ca-cert)' \
'use:Make a context the current one' \
'list:List contexts (the current one marked with *)' \
'show:Show a context (the current one by default; tokens are not printed)' \
'remove:Remove a context' \
    )
    _describe -t commands 'driftq help context commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__context__subcmd__add_commands] )) ||
_driftq__subcmd__help__subcmd__context__subcmd__add_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help context add commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__context__subcmd__list_commands] )) ||
_driftq__subcmd__help__subcmd__context__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help context list commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__context__subcmd__remove_commands] )) ||
_driftq__subcmd__help__subcmd__context__subcmd__remove_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help context remove commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__context__subcmd__show_commands] )) ||
_driftq__subcmd__help__subcmd__context__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help context show commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__context__subcmd__use_commands] )) ||
_driftq__subcmd__help__subcmd__context__subcmd__use_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help context use commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__dlq_commands] )) ||
_driftq__subcmd__help__subcmd__dlq_commands() {
    local commands; commands=(
'list:DLQ topics and their depths' \
'peek:Show DLQ messages without consuming them\: origin, attempts, error history' \
'replay:Put DLQ messages back on their origin topic (or --to another)' \
    )
    _describe -t commands 'driftq help dlq commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__dlq__subcmd__list_commands] )) ||
_driftq__subcmd__help__subcmd__dlq__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help dlq list commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__dlq__subcmd__peek_commands] )) ||
_driftq__subcmd__help__subcmd__dlq__subcmd__peek_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help dlq peek commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__dlq__subcmd__replay_commands] )) ||
_driftq__subcmd__help__subcmd__dlq__subcmd__replay_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help dlq replay commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__extend_commands] )) ||
_driftq__subcmd__help__subcmd__extend_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help extend commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__group_commands] )) ||
_driftq__subcmd__help__subcmd__group_commands() {
    local commands; commands=(
'list:Every consumer group with lag, ready, inflight, oldest unacked age and DLQ count' \
'describe:Per-partition view of one group on one topic' \
'inflight:Who holds which lease, until when, and how many attempts' \
'messages:Messages as the group sees them\: queued, in flight, retried (failed, waiting for the next delivery) or acked, oldest first from the group'\''s position, with attempts and last error' \
'seek:Move a group'\''s position\: start | end | OFFSET | @TIME' \
'delete:Forget a group\: positions, retries, counters. It stops holding producers back; a consumer that uses the name again starts from the beginning' \
    )
    _describe -t commands 'driftq help group commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__group__subcmd__delete_commands] )) ||
_driftq__subcmd__help__subcmd__group__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help group delete commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__group__subcmd__describe_commands] )) ||
_driftq__subcmd__help__subcmd__group__subcmd__describe_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help group describe commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__group__subcmd__inflight_commands] )) ||
_driftq__subcmd__help__subcmd__group__subcmd__inflight_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help group inflight commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__group__subcmd__list_commands] )) ||
_driftq__subcmd__help__subcmd__group__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help group list commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__group__subcmd__messages_commands] )) ||
_driftq__subcmd__help__subcmd__group__subcmd__messages_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help group messages commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__group__subcmd__seek_commands] )) ||
_driftq__subcmd__help__subcmd__group__subcmd__seek_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help group seek commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__help_commands] )) ||
_driftq__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__man_commands] )) ||
_driftq__subcmd__help__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help man commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__nack_commands] )) ||
_driftq__subcmd__help__subcmd__nack_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help nack commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__produce_commands] )) ||
_driftq__subcmd__help__subcmd__produce_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help produce commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__read_commands] )) ||
_driftq__subcmd__help__subcmd__read_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help read commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__serve_commands] )) ||
_driftq__subcmd__help__subcmd__serve_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help serve commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__status_commands] )) ||
_driftq__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help status commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__top_commands] )) ||
_driftq__subcmd__help__subcmd__top_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help top commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__topic_commands] )) ||
_driftq__subcmd__help__subcmd__topic_commands() {
    local commands; commands=(
'create:Create a topic' \
'list:List topics' \
'describe:Partitions, watermarks, sizes, retention, groups and DLQ of a topic' \
'alter:Add partitions to a topic, change its retention limits (the next retention pass applies them) or its retry policy' \
'purge:Delete every message stored so far, keeping the topic, its offsets and its groups' \
'delete:Delete a topic and its data' \
    )
    _describe -t commands 'driftq help topic commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__topic__subcmd__alter_commands] )) ||
_driftq__subcmd__help__subcmd__topic__subcmd__alter_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help topic alter commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__topic__subcmd__create_commands] )) ||
_driftq__subcmd__help__subcmd__topic__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help topic create commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__topic__subcmd__delete_commands] )) ||
_driftq__subcmd__help__subcmd__topic__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help topic delete commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__topic__subcmd__describe_commands] )) ||
_driftq__subcmd__help__subcmd__topic__subcmd__describe_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help topic describe commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__topic__subcmd__list_commands] )) ||
_driftq__subcmd__help__subcmd__topic__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help topic list commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__topic__subcmd__purge_commands] )) ||
_driftq__subcmd__help__subcmd__topic__subcmd__purge_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help topic purge commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__wal_commands] )) ||
_driftq__subcmd__help__subcmd__wal_commands() {
    local commands; commands=(
'inspect:Print every record\: offset, byte position, timestamp, size, CRC, key, headers, value' \
'verify:Check checksums, offsets, file names, indexes and tails; exit 4 when anything is wrong' \
'import:Import a DriftQ v1 WAL (JSON Lines, \`driftqd -wal\`) into a new data directory\: topics, messages and group positions' \
    )
    _describe -t commands 'driftq help wal commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__wal__subcmd__import_commands] )) ||
_driftq__subcmd__help__subcmd__wal__subcmd__import_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help wal import commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__wal__subcmd__inspect_commands] )) ||
_driftq__subcmd__help__subcmd__wal__subcmd__inspect_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help wal inspect commands' commands "$@"
}
(( $+functions[_driftq__subcmd__help__subcmd__wal__subcmd__verify_commands] )) ||
_driftq__subcmd__help__subcmd__wal__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'driftq help wal verify commands' commands "$@"
}
(( $+functions[_driftq__subcmd__man_commands] )) ||
_driftq__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'driftq man commands' commands "$@"
}
(( $+functions[_driftq__subcmd__nack_commands] )) ||
_driftq__subcmd__nack_commands() {
    local commands; commands=()
    _describe -t commands 'driftq nack commands' commands "$@"
}
(( $+functions[_driftq__subcmd__produce_commands] )) ||
_driftq__subcmd__produce_commands() {
    local commands; commands=()
    _describe -t commands 'driftq produce commands' commands "$@"
}
(( $+functions[_driftq__subcmd__read_commands] )) ||
_driftq__subcmd__read_commands() {
    local commands; commands=()
    _describe -t commands 'driftq read commands' commands "$@"
}
(( $+functions[_driftq__subcmd__serve_commands] )) ||
_driftq__subcmd__serve_commands() {
    local commands; commands=()
    _describe -t commands 'driftq serve commands' commands "$@"
}
(( $+functions[_driftq__subcmd__status_commands] )) ||
_driftq__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'driftq status commands' commands "$@"
}
(( $+functions[_driftq__subcmd__top_commands] )) ||
_driftq__subcmd__top_commands() {
    local commands; commands=()
    _describe -t commands 'driftq top commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic_commands] )) ||
_driftq__subcmd__topic_commands() {
    local commands; commands=(
'create:Create a topic' \
'list:List topics' \
'ls:List topics' \
'describe:Partitions, watermarks, sizes, retention, groups and DLQ of a topic' \
'alter:Add partitions to a topic, change its retention limits (the next retention pass applies them) or its retry policy' \
'purge:Delete every message stored so far, keeping the topic, its offsets and its groups' \
'delete:Delete a topic and its data' \
'rm:Delete a topic and its data' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq topic commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic__subcmd__alter_commands] )) ||
_driftq__subcmd__topic__subcmd__alter_commands() {
    local commands; commands=()
    _describe -t commands 'driftq topic alter commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic__subcmd__create_commands] )) ||
_driftq__subcmd__topic__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'driftq topic create commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic__subcmd__delete_commands] )) ||
_driftq__subcmd__topic__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'driftq topic delete commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic__subcmd__describe_commands] )) ||
_driftq__subcmd__topic__subcmd__describe_commands() {
    local commands; commands=()
    _describe -t commands 'driftq topic describe commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic__subcmd__help_commands] )) ||
_driftq__subcmd__topic__subcmd__help_commands() {
    local commands; commands=(
'create:Create a topic' \
'list:List topics' \
'describe:Partitions, watermarks, sizes, retention, groups and DLQ of a topic' \
'alter:Add partitions to a topic, change its retention limits (the next retention pass applies them) or its retry policy' \
'purge:Delete every message stored so far, keeping the topic, its offsets and its groups' \
'delete:Delete a topic and its data' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq topic help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic__subcmd__help__subcmd__alter_commands] )) ||
_driftq__subcmd__topic__subcmd__help__subcmd__alter_commands() {
    local commands; commands=()
    _describe -t commands 'driftq topic help alter commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic__subcmd__help__subcmd__create_commands] )) ||
_driftq__subcmd__topic__subcmd__help__subcmd__create_commands() {
    local commands; commands=()
    _describe -t commands 'driftq topic help create commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic__subcmd__help__subcmd__delete_commands] )) ||
_driftq__subcmd__topic__subcmd__help__subcmd__delete_commands() {
    local commands; commands=()
    _describe -t commands 'driftq topic help delete commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic__subcmd__help__subcmd__describe_commands] )) ||
_driftq__subcmd__topic__subcmd__help__subcmd__describe_commands() {
    local commands; commands=()
    _describe -t commands 'driftq topic help describe commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic__subcmd__help__subcmd__help_commands] )) ||
_driftq__subcmd__topic__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'driftq topic help help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic__subcmd__help__subcmd__list_commands] )) ||
_driftq__subcmd__topic__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'driftq topic help list commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic__subcmd__help__subcmd__purge_commands] )) ||
_driftq__subcmd__topic__subcmd__help__subcmd__purge_commands() {
    local commands; commands=()
    _describe -t commands 'driftq topic help purge commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic__subcmd__list_commands] )) ||
_driftq__subcmd__topic__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'driftq topic list commands' commands "$@"
}
(( $+functions[_driftq__subcmd__topic__subcmd__purge_commands] )) ||
_driftq__subcmd__topic__subcmd__purge_commands() {
    local commands; commands=()
    _describe -t commands 'driftq topic purge commands' commands "$@"
}
(( $+functions[_driftq__subcmd__wal_commands] )) ||
_driftq__subcmd__wal_commands() {
    local commands; commands=(
'inspect:Print every record\: offset, byte position, timestamp, size, CRC, key, headers, value' \
'verify:Check checksums, offsets, file names, indexes and tails; exit 4 when anything is wrong' \
'import:Import a DriftQ v1 WAL (JSON Lines, \`driftqd -wal\`) into a new data directory\: topics, messages and group positions' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq wal commands' commands "$@"
}
(( $+functions[_driftq__subcmd__wal__subcmd__help_commands] )) ||
_driftq__subcmd__wal__subcmd__help_commands() {
    local commands; commands=(
'inspect:Print every record\: offset, byte position, timestamp, size, CRC, key, headers, value' \
'verify:Check checksums, offsets, file names, indexes and tails; exit 4 when anything is wrong' \
'import:Import a DriftQ v1 WAL (JSON Lines, \`driftqd -wal\`) into a new data directory\: topics, messages and group positions' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'driftq wal help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__wal__subcmd__help__subcmd__help_commands] )) ||
_driftq__subcmd__wal__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'driftq wal help help commands' commands "$@"
}
(( $+functions[_driftq__subcmd__wal__subcmd__help__subcmd__import_commands] )) ||
_driftq__subcmd__wal__subcmd__help__subcmd__import_commands() {
    local commands; commands=()
    _describe -t commands 'driftq wal help import commands' commands "$@"
}
(( $+functions[_driftq__subcmd__wal__subcmd__help__subcmd__inspect_commands] )) ||
_driftq__subcmd__wal__subcmd__help__subcmd__inspect_commands() {
    local commands; commands=()
    _describe -t commands 'driftq wal help inspect commands' commands "$@"
}
(( $+functions[_driftq__subcmd__wal__subcmd__help__subcmd__verify_commands] )) ||
_driftq__subcmd__wal__subcmd__help__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'driftq wal help verify commands' commands "$@"
}
(( $+functions[_driftq__subcmd__wal__subcmd__import_commands] )) ||
_driftq__subcmd__wal__subcmd__import_commands() {
    local commands; commands=()
    _describe -t commands 'driftq wal import commands' commands "$@"
}
(( $+functions[_driftq__subcmd__wal__subcmd__inspect_commands] )) ||
_driftq__subcmd__wal__subcmd__inspect_commands() {
    local commands; commands=()
    _describe -t commands 'driftq wal inspect commands' commands "$@"
}
(( $+functions[_driftq__subcmd__wal__subcmd__verify_commands] )) ||
_driftq__subcmd__wal__subcmd__verify_commands() {
    local commands; commands=()
    _describe -t commands 'driftq wal verify commands' commands "$@"
}

if [ "$funcstack[1]" = "_driftq" ]; then
    _driftq "$@"
else
    compdef _driftq driftq
fi

# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_driftq_global_optspecs
    string join \n url= context= timeout= v/verbose ca-cert= token= insecure no-headers h/help V/version
end

function __fish_driftq_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_driftq_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_driftq_using_subcommand
    set -l cmd (__fish_driftq_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c driftq -n "__fish_driftq_needs_command" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_needs_command" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_needs_command" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_needs_command" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_needs_command" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_needs_command" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_needs_command" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_needs_command" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_needs_command" -s h -l help -d 'Print help'
complete -c driftq -n "__fish_driftq_needs_command" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "topic" -d 'Create, list, describe, alter, purge and delete topics'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "produce" -d 'Produce messages: from the argument, stdin or a file'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "consume" -d 'Consume messages as a group member (leases; acks what it printed unless --no-ack)'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "ack" -d 'Ack leased messages (one, or many from `consume -o json` lines with --stdin)'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "nack" -d 'Nack leased messages: redeliver after the backoff (or --delay), or dead-letter'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "extend" -d 'Extend leases (one, or many from `consume -o json` lines with --stdin)'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "group" -d 'Consumer groups: list, describe, inflight, messages, seek, delete'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "dlq" -d 'Dead-letter queues: list, peek, replay'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "status" -d 'Is the server up: version, uptime, address, data dir, fsync mode and totals (exit 1 when unreachable)'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "read" -d 'Read partitions by offset without a group (no lease, no lag): kcat -C, rpk without -g'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "context" -d 'Named servers: add, use, list, show, remove (kept in the XDG config directory)'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "check" -d 'Monitoring probe: compare groups\' lag, oldest unacked age and DLQ count with limits'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "top" -d 'Live dashboard: lag, inflight, DLQ counts, rates (q quits, ? lists keys)'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "bench" -d 'Load-test a server: throughput and latency percentiles'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "serve" -d 'Run the broker (HTTP API on --addr, data in --data-dir)'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "wal" -d 'Read a data directory offline: decode records, check checksums and indexes'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "auth" -d 'Tokens for the server\'s auth file: make one, or hash one (offline)'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c driftq -n "__fish_driftq_needs_command" -f -a "man" -d 'Write man pages (driftq.1 and one per subcommand) into DIR'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -s h -l help -d 'Print help'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -f -a "create" -d 'Create a topic'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -f -a "list" -d 'List topics'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -f -a "ls" -d 'List topics'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -f -a "describe" -d 'Partitions, watermarks, sizes, retention, groups and DLQ of a topic'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -f -a "alter" -d 'Add partitions to a topic, change its retention limits (the next retention pass applies them) or its retry policy'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -f -a "purge" -d 'Delete every message stored so far, keeping the topic, its offsets and its groups'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -f -a "delete" -d 'Delete a topic and its data'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -f -a "rm" -d 'Delete a topic and its data'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and not __fish_seen_subcommand_from create list ls describe alter purge delete rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -s p -l partitions -d 'Number of partitions (`topic alter --partitions` adds more later)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -l retention-age -d 'Delete whole segments older than this (e.g. 7d)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -l retention-bytes -d 'Keep at most this much per partition (e.g. 10GiB)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -l max-attempts -d 'Messages produced without a retry policy of their own go to dlq.TOPIC after this many deliveries (SQS\'s maxReceiveCount); with alter, `none` removes the policy (they retry forever again)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -l backoff -d 'Under that policy, wait this long before the first redelivery, doubling after (e.g. 500ms)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -l max-backoff -d 'Under that policy, never wait longer than this between deliveries (e.g. 30s)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -l ordering -d '`key`: each group delivers a key\'s messages one at a time, in order — a message is leased only when every earlier message with its key is acked or dead-lettered, and a failed one is retried before the next (SQS FIFO\'s message groups). Keyless messages are not ordered. Chosen at creation only' -r -f -a "none\t'Any ready message may be delivered while others are in flight'
key\t'One message per key at a time, in offset order'"
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from list" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from list" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from list" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from list" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from list" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from list" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from ls" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from ls" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from ls" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from ls" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from ls" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from ls" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from ls" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from describe" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from describe" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from describe" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from describe" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from describe" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from describe" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from describe" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from describe" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from describe" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from describe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from describe" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -s p -l partitions -d 'Grow the topic to this many partitions (never fewer: removing one would drop its messages). Keys hash over the new count from then on, so a key\'s later messages may go to another partition than its earlier ones' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l retention-age -d 'Delete whole segments older than this (e.g. 7d); `none` removes the limit' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l retention-bytes -d 'Keep at most this much per partition (e.g. 10GiB); `none` removes the limit' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l max-attempts -d 'Messages produced without a retry policy of their own go to dlq.TOPIC after this many deliveries (SQS\'s maxReceiveCount); with alter, `none` removes the policy (they retry forever again)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l backoff -d 'Under that policy, wait this long before the first redelivery, doubling after (e.g. 500ms)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l max-backoff -d 'Under that policy, never wait longer than this between deliveries (e.g. 30s)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from alter" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from purge" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from purge" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from purge" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from purge" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from purge" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from purge" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from purge" -l yes -d 'Do not ask'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from purge" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from purge" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from purge" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from purge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from purge" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from delete" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from delete" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from delete" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from delete" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from delete" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from delete" -l yes -d 'Do not ask'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from delete" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from delete" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from rm" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from rm" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from rm" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from rm" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from rm" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from rm" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from rm" -l yes -d 'Do not ask'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from rm" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from rm" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a topic'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from help" -f -a "list" -d 'List topics'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from help" -f -a "describe" -d 'Partitions, watermarks, sizes, retention, groups and DLQ of a topic'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from help" -f -a "alter" -d 'Add partitions to a topic, change its retention limits (the next retention pass applies them) or its retry policy'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from help" -f -a "purge" -d 'Delete every message stored so far, keeping the topic, its offsets and its groups'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a topic and its data'
complete -c driftq -n "__fish_driftq_using_subcommand topic; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l file -d 'Read messages from this file instead of stdin (`-`: stdin)' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l input -d 'How to read messages from stdin or --file' -r -f -a "lines\t'Each line is a value (no trailing newline)'
json\t'Each line is a JSON message as `consume -o json` prints it (or, with --value-field, any JSON object whose fields hold the value and key)'
raw\t'All of stdin (or --file) is one value, byte for byte'"
complete -c driftq -n "__fish_driftq_using_subcommand produce" -s k -l key -d 'Message key: messages with the same key go to the same partition, in order' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l key-delimiter -d 'With --input lines: each line is KEY<SEP>VALUE, split at the first SEP (kcat -K)' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l value-field -d 'With --input json: plain JSON lines, the value taken from this field (a string as text, any other JSON serialised)' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l key-field -d 'With --input json and --value-field: the key taken from this field' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -s H -l header -d 'Header name=value (repeatable)' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -s p -l partition -d 'Partition to write to instead of the key hash or round robin' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l tenant -d 'Envelope: tenant the message belongs to' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l run-id -d 'Envelope: run id of the agent run' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l step-id -d 'Envelope: step id within the run' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l idempotency-key -d 'Envelope: a producer retry with the same key is stored once (reply says duplicate)' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l max-attempts -d 'Deliveries before the message goes to the dead-letter topic dlq.<topic>' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l backoff -d 'Retry backoff base (e.g. 500ms)' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l max-backoff -d 'Retry backoff cap (e.g. 30s)' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l deadline -d 'Refuse delivery after this time (RFC 3339, unix ms, or -DURATION / +DURATION from now)' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l target-topic -d 'Envelope: store the message in this topic instead of TOPIC' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l delay -d 'Hold each message back from every group for this long (e.g. 30s; at most 15m, as SQS\'s DelaySeconds). Messages produced after it are not held up' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l batch -d 'Messages per request when reading many' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand produce" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand produce" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand produce" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand produce" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand consume" -s g -l group -d 'Consumer group: groups consume independently; members of one share the messages' -r
complete -c driftq -n "__fish_driftq_using_subcommand consume" -s n -l count -d 'Stop after N messages' -r
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l from -d 'Move the group first: start | end | OFFSET | -N (N before the end) | @TIME' -r
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l filter -d 'Only print matching messages: key=GLOB | header:NAME=GLOB | value=GLOB (repeatable, all must match). With --ack the others are acked too: the group moves past them, as a filtered tail would' -r
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l format -d 'Line template: %t topic %p partition %o offset %k key %v value %h headers %T timestamp %a attempts %e last error. Keys and values are written as text (the default line escapes control characters and non-UTF-8 bytes; -o json is byte-exact)' -r
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l owner -d 'Consumer name that holds the leases [default: <hostname>-<pid>]' -r
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l lease -d 'Lease length' -r
complete -c driftq -n "__fish_driftq_using_subcommand consume" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand consume" -s f -l follow -d 'Keep waiting for new messages (the default unless -n or --until-end)'
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l until-end -d 'Stop when nothing is left to consume'
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l force -d 'With --from: move the group even while it holds leases (their acks will fail), as `group seek --force` does'
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l ack -d 'Ack each message after printing it (the default; kept for scripts that say so)'
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l no-ack -d 'Leave messages leased: ack them later with `driftq ack --stdin`'
complete -c driftq -n "__fish_driftq_using_subcommand consume" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand consume" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand consume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand consume" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand ack" -s g -l group -d 'Consumer group holding the lease' -r
complete -c driftq -n "__fish_driftq_using_subcommand ack" -l owner -d 'Lease owner: the consumer name the message was leased to (`owner` in `consume -o json`)' -r
complete -c driftq -n "__fish_driftq_using_subcommand ack" -s p -l partition -d 'Partition of the leased message' -r
complete -c driftq -n "__fish_driftq_using_subcommand ack" -l offset -d 'Offset of the leased message' -r
complete -c driftq -n "__fish_driftq_using_subcommand ack" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand ack" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand ack" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand ack" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand ack" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand ack" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand ack" -l stdin -d 'Read the messages to settle from stdin, as `consume -o json` prints them (one JSON object per line; the flags above fill in what a line lacks)'
complete -c driftq -n "__fish_driftq_using_subcommand ack" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand ack" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand ack" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand ack" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand ack" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand nack" -s g -l group -d 'Consumer group holding the lease' -r
complete -c driftq -n "__fish_driftq_using_subcommand nack" -l owner -d 'Lease owner: the consumer name the message was leased to (`owner` in `consume -o json`)' -r
complete -c driftq -n "__fish_driftq_using_subcommand nack" -s p -l partition -d 'Partition of the leased message' -r
complete -c driftq -n "__fish_driftq_using_subcommand nack" -l offset -d 'Offset of the leased message' -r
complete -c driftq -n "__fish_driftq_using_subcommand nack" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand nack" -l reason -d 'Why: kept with the message, shown by `group inflight` and in the DLQ' -r
complete -c driftq -n "__fish_driftq_using_subcommand nack" -l delay -d 'Redeliver after this long instead of the message\'s retry backoff' -r
complete -c driftq -n "__fish_driftq_using_subcommand nack" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand nack" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand nack" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand nack" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand nack" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand nack" -l stdin -d 'Read the messages to settle from stdin, as `consume -o json` prints them (one JSON object per line; the flags above fill in what a line lacks)'
complete -c driftq -n "__fish_driftq_using_subcommand nack" -l dead-letter -d 'Send the message to dlq.TOPIC now, whatever attempts it has left (retrying cannot help: a message that will never parse, say)'
complete -c driftq -n "__fish_driftq_using_subcommand nack" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand nack" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand nack" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand nack" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand nack" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand extend" -s g -l group -d 'Consumer group holding the lease' -r
complete -c driftq -n "__fish_driftq_using_subcommand extend" -l owner -d 'Lease owner: the consumer name the message was leased to (`owner` in `consume -o json`)' -r
complete -c driftq -n "__fish_driftq_using_subcommand extend" -s p -l partition -d 'Partition of the leased message' -r
complete -c driftq -n "__fish_driftq_using_subcommand extend" -l offset -d 'Offset of the leased message' -r
complete -c driftq -n "__fish_driftq_using_subcommand extend" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand extend" -l lease -d 'New lease length, counted from now' -r
complete -c driftq -n "__fish_driftq_using_subcommand extend" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand extend" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand extend" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand extend" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand extend" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand extend" -l stdin -d 'Read the messages to settle from stdin, as `consume -o json` prints them (one JSON object per line; the flags above fill in what a line lacks)'
complete -c driftq -n "__fish_driftq_using_subcommand extend" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand extend" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand extend" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand extend" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand extend" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -s h -l help -d 'Print help'
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -f -a "list" -d 'Every consumer group with lag, ready, inflight, oldest unacked age and DLQ count'
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -f -a "ls" -d 'Every consumer group with lag, ready, inflight, oldest unacked age and DLQ count'
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -f -a "describe" -d 'Per-partition view of one group on one topic'
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -f -a "inflight" -d 'Who holds which lease, until when, and how many attempts'
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -f -a "messages" -d 'Messages as the group sees them: queued, in flight, retried (failed, waiting for the next delivery) or acked, oldest first from the group\'s position, with attempts and last error'
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -f -a "seek" -d 'Move a group\'s position: start | end | OFFSET | @TIME'
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -f -a "delete" -d 'Forget a group: positions, retries, counters. It stops holding producers back; a consumer that uses the name again starts from the beginning'
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -f -a "rm" -d 'Forget a group: positions, retries, counters. It stops holding producers back; a consumer that uses the name again starts from the beginning'
complete -c driftq -n "__fish_driftq_using_subcommand group; and not __fish_seen_subcommand_from list ls describe inflight messages seek delete rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from list" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from list" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from list" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from list" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from list" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from list" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from ls" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from ls" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from ls" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from ls" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from ls" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from ls" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from ls" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from describe" -s g -l group -d 'Consumer group' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from describe" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from describe" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from describe" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from describe" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from describe" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from describe" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from describe" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from describe" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from describe" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from describe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from describe" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from inflight" -s g -l group -d 'Consumer group' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from inflight" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from inflight" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from inflight" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from inflight" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from inflight" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from inflight" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from inflight" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from inflight" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from inflight" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from inflight" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from inflight" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -s g -l group -d 'Consumer group' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -l state -d 'Only messages in this state (dead-lettered: the ones in dlq.TOPIC this group put there)' -r -f -a "queued\t''
in-flight\t''
retried\t''
acked\t''
dead-lettered\t''
delayed\t''
blocked-by-key\t''"
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -l owner -d 'Only messages leased to this owner' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -s n -l limit -d 'At most this many messages' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from messages" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -s g -l group -d 'Consumer group to move' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -l to -d 'start | end | N | -N (N before the end) | +N (N after the start) | @TIME (RFC 3339, unix ms, or -DURATION ago): `driftq read`\'s offset grammar, one position' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -s p -l partition -d 'Move only this partition [default: all]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -l force -d 'Seek even while the group holds leases'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -l yes -d 'Do not ask'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from seek" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from delete" -s g -l group -d 'Consumer group to delete' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from delete" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from delete" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from delete" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from delete" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from delete" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from delete" -l force -d 'Delete even while the group holds leases (their acks will fail) or was polled in the last 30 s (a consumer that polls again starts over from the beginning)'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from delete" -l yes -d 'Do not ask'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from delete" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from delete" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from rm" -s g -l group -d 'Consumer group to delete' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from rm" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from rm" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from rm" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from rm" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from rm" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from rm" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from rm" -l force -d 'Delete even while the group holds leases (their acks will fail) or was polled in the last 30 s (a consumer that polls again starts over from the beginning)'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from rm" -l yes -d 'Do not ask'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from rm" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from rm" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every consumer group with lag, ready, inflight, oldest unacked age and DLQ count'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "describe" -d 'Per-partition view of one group on one topic'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "inflight" -d 'Who holds which lease, until when, and how many attempts'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "messages" -d 'Messages as the group sees them: queued, in flight, retried (failed, waiting for the next delivery) or acked, oldest first from the group\'s position, with attempts and last error'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "seek" -d 'Move a group\'s position: start | end | OFFSET | @TIME'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Forget a group: positions, retries, counters. It stops holding producers back; a consumer that uses the name again starts from the beginning'
complete -c driftq -n "__fish_driftq_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -s h -l help -d 'Print help'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -f -a "list" -d 'DLQ topics and their depths'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -f -a "ls" -d 'DLQ topics and their depths'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -f -a "peek" -d 'Show DLQ messages without consuming them: origin, attempts, error history'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -f -a "replay" -d 'Put DLQ messages back on their origin topic (or --to another)'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and not __fish_seen_subcommand_from list ls peek replay help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from list" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from ls" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from ls" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from ls" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from ls" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from ls" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from ls" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from ls" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from ls" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from peek" -s n -l max -d 'Show at most this many messages' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from peek" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from peek" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from peek" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from peek" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from peek" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l to -d 'Target topic [default: each message\'s origin]' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l offsets -d 'DLQ offsets A:B (B not included; `A:` to the end) or A-B (both included), in every partition unless --partition' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l partition -d 'Only this DLQ partition' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l since -d 'Dead-lettered at or after (RFC 3339, unix ms, or -DURATION ago)' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l until -d 'Dead-lettered at or before (same forms)' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l filter -d 'key=GLOB | header:NAME=GLOB | error=GLOB (repeatable)' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l limit -d 'Replay at most this many messages' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l rate -d 'At most N messages per second' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l dry-run -d 'Print the plan; change nothing'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l copy -d 'Copy (leave the DLQ depth as is) instead of move'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l include-replayed -d 'Include messages replayed before'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l yes -d 'Do not ask'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "list" -d 'DLQ topics and their depths'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "peek" -d 'Show DLQ messages without consuming them: origin, attempts, error history'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "replay" -d 'Put DLQ messages back on their origin topic (or --to another)'
complete -c driftq -n "__fish_driftq_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand status" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand status" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand status" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand status" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand status" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand status" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand status" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand status" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand status" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand status" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand read" -s p -l partition -d 'Only this partition (repeatable) [default: all]' -r
complete -c driftq -n "__fish_driftq_using_subcommand read" -l offset -d 'Where to start (and stop): start | end | N | -N | +N | @TIME, or a range A:B' -r
complete -c driftq -n "__fish_driftq_using_subcommand read" -s n -l count -d 'Stop after N messages' -r
complete -c driftq -n "__fish_driftq_using_subcommand read" -l format -d 'Line template, as `consume --format` takes it (%t %p %o %k %v %h %T)' -r
complete -c driftq -n "__fish_driftq_using_subcommand read" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand read" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand read" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand read" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand read" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand read" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand read" -s f -l follow -d 'Keep waiting for new messages past the end'
complete -c driftq -n "__fish_driftq_using_subcommand read" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand read" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand read" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand read" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand read" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -s h -l help -d 'Print help'
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -f -a "add" -d 'Add (or replace) a context: a name for the server given with --url (its token is the global --token, or DRIFTQ_TOKEN; its CA --ca-cert)'
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -f -a "use" -d 'Make a context the current one'
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -f -a "list" -d 'List contexts (the current one marked with *)'
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -f -a "show" -d 'Show a context (the current one by default; tokens are not printed)'
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -f -a "remove" -d 'Remove a context'
complete -c driftq -n "__fish_driftq_using_subcommand context; and not __fish_seen_subcommand_from add use list show remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from add" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from add" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from add" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from add" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from add" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from add" -l use -d 'Make it the current context too'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from add" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from add" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from use" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from use" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from use" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from use" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from use" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from use" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from use" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from use" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from use" -s h -l help -d 'Print help'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from use" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from list" -s o -l output -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from list" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from list" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from list" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from list" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from list" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from list" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from list" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from show" -s o -l output -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from show" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from show" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from show" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from show" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from show" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from show" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from show" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from remove" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from remove" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from remove" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from remove" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from remove" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from remove" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from remove" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add (or replace) a context: a name for the server given with --url (its token is the global --token, or DRIFTQ_TOKEN; its CA --ca-cert)'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "use" -d 'Make a context the current one'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "list" -d 'List contexts (the current one marked with *)'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a context (the current one by default; tokens are not printed)'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a context'
complete -c driftq -n "__fish_driftq_using_subcommand context; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand check" -l topic -d 'Only groups of this topic' -r
complete -c driftq -n "__fish_driftq_using_subcommand check" -s g -l group -d 'Only this group' -r
complete -c driftq -n "__fish_driftq_using_subcommand check" -l max-lag -d 'Most messages a group may be behind' -r
complete -c driftq -n "__fish_driftq_using_subcommand check" -l max-oldest -d 'Oldest a group\'s unacked message may be, e.g. 5m' -r
complete -c driftq -n "__fish_driftq_using_subcommand check" -l max-dlq -d 'Most messages a group may have dead-lettered' -r
complete -c driftq -n "__fish_driftq_using_subcommand check" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand check" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand check" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand check" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand check" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand check" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand check" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand check" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand check" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand check" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand top" -l interval -d 'Refresh interval (at least 100ms)' -r
complete -c driftq -n "__fish_driftq_using_subcommand top" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand top" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand top" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand top" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand top" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand top" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand top" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand top" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand top" -s h -l help -d 'Print help'
complete -c driftq -n "__fish_driftq_using_subcommand top" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and not __fish_seen_subcommand_from produce consume e2e help" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and not __fish_seen_subcommand_from produce consume e2e help" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and not __fish_seen_subcommand_from produce consume e2e help" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and not __fish_seen_subcommand_from produce consume e2e help" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand bench; and not __fish_seen_subcommand_from produce consume e2e help" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and not __fish_seen_subcommand_from produce consume e2e help" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and not __fish_seen_subcommand_from produce consume e2e help" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and not __fish_seen_subcommand_from produce consume e2e help" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and not __fish_seen_subcommand_from produce consume e2e help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and not __fish_seen_subcommand_from produce consume e2e help" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and not __fish_seen_subcommand_from produce consume e2e help" -f -a "produce" -d 'Produce messages as fast as the server takes them'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and not __fish_seen_subcommand_from produce consume e2e help" -f -a "consume" -d 'Produce first (not timed), then consume and ack everything (timed)'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and not __fish_seen_subcommand_from produce consume e2e help" -f -a "e2e" -d 'Produce and consume at once; latency is produce-to-consume'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and not __fish_seen_subcommand_from produce consume e2e help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l fsync -d 'fsync mode of the embedded server' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l topic -d 'Topic to load (created when missing)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l partitions -d 'Partitions when the topic is created' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l messages -d 'Messages to produce (and consume)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l size -d 'Value size in bytes' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l batch -d 'Messages per request (produce) / per poll (consume)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l producers -d 'Concurrent producer connections' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l consumers -d 'Concurrent consumers (consume and e2e)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l duration -d 'Stop after this long even if messages remain (e.g. 30s)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l rate -d 'Target produce rate in messages/s across producers (default: as fast as possible)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l wire -d 'How consumers receive messages: polls answered in DriftQ\'s JSON or driftq\'s binary framing (`Accept: application/vnd.driftq.messages`, docs/API.md), or the NDJSON stream' -r -f -a "json\t''
binary\t''
stream\t'DriftQ\'s NDJSON consume stream (`GET /v1/consume`), acked in a batch per chunk read'"
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l keys -d 'Key the messages with this many distinct keys (k0, k1, …, in turn); keyless by default' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l pattern -d 'Request pattern: `batch` (batch produce and acks, the default) or `sdk` (e2e only: what DriftQ\'s SDKs do — one message per `POST /v1/produce`, consumers on the NDJSON stream, each message acked with its own `POST /v1/ack`; latency is produce-to-ack)' -r -f -a "batch\t''
sdk\t'One message per request, as DriftQ\'s Go and Python SDKs send and ack them'"
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l ordering -d 'Ordering of the topic when the bench creates it (`key`: a key\'s messages one at a time, in order; use with --keys)' -r -f -a "none\t'Any ready message may be delivered while others are in flight'
key\t'One message per key at a time, in offset order'"
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l embedded -d 'Start a server on a temp data dir for the run (ignores --url)'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from produce" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l fsync -d 'fsync mode of the embedded server' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l topic -d 'Topic to load (created when missing)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l partitions -d 'Partitions when the topic is created' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l messages -d 'Messages to produce (and consume)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l size -d 'Value size in bytes' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l batch -d 'Messages per request (produce) / per poll (consume)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l producers -d 'Concurrent producer connections' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l consumers -d 'Concurrent consumers (consume and e2e)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l duration -d 'Stop after this long even if messages remain (e.g. 30s)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l rate -d 'Target produce rate in messages/s across producers (default: as fast as possible)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l wire -d 'How consumers receive messages: polls answered in DriftQ\'s JSON or driftq\'s binary framing (`Accept: application/vnd.driftq.messages`, docs/API.md), or the NDJSON stream' -r -f -a "json\t''
binary\t''
stream\t'DriftQ\'s NDJSON consume stream (`GET /v1/consume`), acked in a batch per chunk read'"
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l keys -d 'Key the messages with this many distinct keys (k0, k1, …, in turn); keyless by default' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l pattern -d 'Request pattern: `batch` (batch produce and acks, the default) or `sdk` (e2e only: what DriftQ\'s SDKs do — one message per `POST /v1/produce`, consumers on the NDJSON stream, each message acked with its own `POST /v1/ack`; latency is produce-to-ack)' -r -f -a "batch\t''
sdk\t'One message per request, as DriftQ\'s Go and Python SDKs send and ack them'"
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l ordering -d 'Ordering of the topic when the bench creates it (`key`: a key\'s messages one at a time, in order; use with --keys)' -r -f -a "none\t'Any ready message may be delivered while others are in flight'
key\t'One message per key at a time, in offset order'"
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l embedded -d 'Start a server on a temp data dir for the run (ignores --url)'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from consume" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l fsync -d 'fsync mode of the embedded server' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l topic -d 'Topic to load (created when missing)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l partitions -d 'Partitions when the topic is created' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l messages -d 'Messages to produce (and consume)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l size -d 'Value size in bytes' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l batch -d 'Messages per request (produce) / per poll (consume)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l producers -d 'Concurrent producer connections' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l consumers -d 'Concurrent consumers (consume and e2e)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l duration -d 'Stop after this long even if messages remain (e.g. 30s)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l rate -d 'Target produce rate in messages/s across producers (default: as fast as possible)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l wire -d 'How consumers receive messages: polls answered in DriftQ\'s JSON or driftq\'s binary framing (`Accept: application/vnd.driftq.messages`, docs/API.md), or the NDJSON stream' -r -f -a "json\t''
binary\t''
stream\t'DriftQ\'s NDJSON consume stream (`GET /v1/consume`), acked in a batch per chunk read'"
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l keys -d 'Key the messages with this many distinct keys (k0, k1, …, in turn); keyless by default' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l pattern -d 'Request pattern: `batch` (batch produce and acks, the default) or `sdk` (e2e only: what DriftQ\'s SDKs do — one message per `POST /v1/produce`, consumers on the NDJSON stream, each message acked with its own `POST /v1/ack`; latency is produce-to-ack)' -r -f -a "batch\t''
sdk\t'One message per request, as DriftQ\'s Go and Python SDKs send and ack them'"
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l ordering -d 'Ordering of the topic when the bench creates it (`key`: a key\'s messages one at a time, in order; use with --keys)' -r -f -a "none\t'Any ready message may be delivered while others are in flight'
key\t'One message per key at a time, in offset order'"
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -s o -l output -d 'Output format' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l embedded -d 'Start a server on a temp data dir for the run (ignores --url)'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from e2e" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "produce" -d 'Produce messages as fast as the server takes them'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "consume" -d 'Produce first (not timed), then consume and ack everything (timed)'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "e2e" -d 'Produce and consume at once; latency is produce-to-consume'
complete -c driftq -n "__fish_driftq_using_subcommand bench; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "serve" -d 'Run the broker (HTTP API on --addr, data in --data-dir)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "topic" -d 'Create, list, describe, alter, purge and delete topics'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "produce" -d 'Produce messages: from the argument, stdin or a file'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "consume" -d 'Consume messages as a group member (leases; acks what it printed unless --no-ack)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "ack" -d 'Ack leased messages (one, or many from `consume -o json` lines with --stdin)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "nack" -d 'Nack leased messages: redeliver after the backoff (or --delay), or dead-letter'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "extend" -d 'Extend leases (one, or many from `consume -o json` lines with --stdin)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "group" -d 'Consumer groups: list, describe, inflight, messages, seek, delete'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "dlq" -d 'Dead-letter queues: list, peek, replay'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "status" -d 'Is the server up: version, uptime, address, data dir, fsync mode and totals (exit 1 when unreachable)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "read" -d 'Read partitions by offset without a group (no lease, no lag): kcat -C, rpk without -g'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "context" -d 'Named servers: add, use, list, show, remove (kept in the XDG config directory)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "check" -d 'Monitoring probe: compare groups\' lag, oldest unacked age and DLQ count with limits'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "top" -d 'Live dashboard: lag, inflight, DLQ counts, rates (q quits, ? lists keys)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "bench" -d 'Load-test a server: throughput and latency percentiles'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "auth" -d 'Tokens for the server\'s auth file: make one, or hash one (offline)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "wal" -d 'Read a data directory offline: decode records, check checksums and indexes'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "man" -d 'Write man pages (driftq.1 and one per subcommand) into DIR'
complete -c driftq -n "__fish_driftq_using_subcommand help; and not __fish_seen_subcommand_from serve topic produce consume ack nack extend group dlq status read context check top bench auth wal completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from topic" -f -a "create" -d 'Create a topic'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from topic" -f -a "list" -d 'List topics'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from topic" -f -a "describe" -d 'Partitions, watermarks, sizes, retention, groups and DLQ of a topic'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from topic" -f -a "alter" -d 'Add partitions to a topic, change its retention limits (the next retention pass applies them) or its retry policy'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from topic" -f -a "purge" -d 'Delete every message stored so far, keeping the topic, its offsets and its groups'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from topic" -f -a "delete" -d 'Delete a topic and its data'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "list" -d 'Every consumer group with lag, ready, inflight, oldest unacked age and DLQ count'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "describe" -d 'Per-partition view of one group on one topic'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "inflight" -d 'Who holds which lease, until when, and how many attempts'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "messages" -d 'Messages as the group sees them: queued, in flight, retried (failed, waiting for the next delivery) or acked, oldest first from the group\'s position, with attempts and last error'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "seek" -d 'Move a group\'s position: start | end | OFFSET | @TIME'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "delete" -d 'Forget a group: positions, retries, counters. It stops holding producers back; a consumer that uses the name again starts from the beginning'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "list" -d 'DLQ topics and their depths'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "peek" -d 'Show DLQ messages without consuming them: origin, attempts, error history'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "replay" -d 'Put DLQ messages back on their origin topic (or --to another)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "add" -d 'Add (or replace) a context: a name for the server given with --url (its token is the global --token, or DRIFTQ_TOKEN; its CA --ca-cert)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "use" -d 'Make a context the current one'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "list" -d 'List contexts (the current one marked with *)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "show" -d 'Show a context (the current one by default; tokens are not printed)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from context" -f -a "remove" -d 'Remove a context'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "produce" -d 'Produce messages as fast as the server takes them'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "consume" -d 'Produce first (not timed), then consume and ack everything (timed)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from bench" -f -a "e2e" -d 'Produce and consume at once; latency is produce-to-consume'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "gen-token" -d 'Make a random token (256 bits) and print it with the hash the auth file takes'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "hash-token" -d 'Print the SHA-256 of TOKEN as the auth file\'s `token_sha256` ("-" reads it from stdin, which keeps it out of the shell\'s history)'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from wal" -f -a "inspect" -d 'Print every record: offset, byte position, timestamp, size, CRC, key, headers, value'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from wal" -f -a "verify" -d 'Check checksums, offsets, file names, indexes and tails; exit 4 when anything is wrong'
complete -c driftq -n "__fish_driftq_using_subcommand help; and __fish_seen_subcommand_from wal" -f -a "import" -d 'Import a DriftQ v1 WAL (JSON Lines, `driftqd -wal`) into a new data directory: topics, messages and group positions'
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l addr -d 'Address to listen on (`host:port`, or `:port` for all interfaces) [default: 127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l data-dir -d 'Data directory [default: ./driftq-data]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l fsync -d 'When writes reach the disk: always | interval=<duration> | never [default: always]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l log-level -d 'error | warn | info | debug | trace [default: info]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l log-format -d 'Log line format [default: text]' -r -f -a "text\t''
json\t''"
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l max-inflight -d 'Leases a group may hold per partition [default: 1024]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l max-partition-msgs -d 'Unacked messages per partition (behind the slowest group) before produce gets 429 [default: 1000000]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l max-partition-bytes -d 'Unacked bytes per partition (behind the slowest group) before produce gets 429, e.g. 512MiB [default: 1GiB]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l max-message-bytes -d 'Largest message accepted (key + value + headers + envelope text), e.g. 4MiB [default: 1MiB]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l max-body-bytes -d 'Largest request body accepted, e.g. 64MiB [default: 16MiB]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l router-config -d 'Rule file for the produce router (see docs/API.md) [default: no router]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l segment-bytes -d 'Segment size before roll-over, e.g. 256MiB [default: 64MiB]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l min-free-bytes -d 'Free space to keep on the data directory\'s disk: below it produces are refused (507 `disk_full`) while acks, nacks and deletes go on; 0 turns the floor off [default: 1GiB or 5% of the disk, whichever is smaller]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l auth-file -d 'Principals, their token hashes and permissions (TOML; see docs/SECURITY.md); re-read on SIGHUP [default: no auth: every client may do everything]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l tls-cert -d 'PEM certificate chain: serve https (with --tls-key); re-read on SIGHUP' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l tls-key -d 'PEM private key of --tls-cert' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l tls-client-ca -d 'PEM CA certificates: require client certificates signed by them (mutual TLS)' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l max-connections -d 'Open connections at once; more are answered 503 and closed [default: half the open-file limit]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l conn-threads -d 'Threads that each own the connections dealt to them; 0 serves every connection on one work-stealing runtime [default: one per core]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l header-timeout -d 'Time a client has to send a request\'s headers (and finish a TLS handshake) [default: 10s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l body-timeout -d 'Time a client has to send a request\'s body once its headers are in [default: 30s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l idle-timeout -d 'Close a connection with no request in progress after this long [default: 60s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l max-streams-per-principal -d 'Consume streams one principal may hold open at once [default: 64]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l config -d 'TOML file with any of these settings (keys as the flags, with underscores)' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l reset -d 'Move the data directory to <dir>.bak.<unix-seconds> and start empty'
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l repair -d 'Truncate damaged logs at the damage (keeping the cut bytes aside) instead of refusing to start'
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l access-log -d 'Log one `http` line per request and echo or create X-Request-Id / X-Trace-Id headers'
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l allow-anonymous -d 'Serve clients without tokens on a non-loopback address (refused by default)'
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l metrics-public -d 'Serve /metrics without a token even when auth is on [default: needs read on every topic]'
complete -c driftq -n "__fish_driftq_using_subcommand serve" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand serve" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand serve" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and not __fish_seen_subcommand_from inspect verify import help" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and not __fish_seen_subcommand_from inspect verify import help" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and not __fish_seen_subcommand_from inspect verify import help" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and not __fish_seen_subcommand_from inspect verify import help" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand wal; and not __fish_seen_subcommand_from inspect verify import help" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and not __fish_seen_subcommand_from inspect verify import help" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and not __fish_seen_subcommand_from inspect verify import help" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and not __fish_seen_subcommand_from inspect verify import help" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and not __fish_seen_subcommand_from inspect verify import help" -s h -l help -d 'Print help'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and not __fish_seen_subcommand_from inspect verify import help" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and not __fish_seen_subcommand_from inspect verify import help" -f -a "inspect" -d 'Print every record: offset, byte position, timestamp, size, CRC, key, headers, value'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and not __fish_seen_subcommand_from inspect verify import help" -f -a "verify" -d 'Check checksums, offsets, file names, indexes and tails; exit 4 when anything is wrong'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and not __fish_seen_subcommand_from inspect verify import help" -f -a "import" -d 'Import a DriftQ v1 WAL (JSON Lines, `driftqd -wal`) into a new data directory: topics, messages and group positions'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and not __fish_seen_subcommand_from inspect verify import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -l from -d 'Start at this offset' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -l limit -d 'Stop after this many records' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -s o -l output -d 'Output format (json: one object per line, binary-safe)' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -l full -d 'Print keys, headers, values and state records in full instead of a preview'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -l index -d 'Dump index and time-index entries instead of records'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from verify" -s o -l output -d 'Output format (json: the whole report as one object)' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from verify" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from verify" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from verify" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from verify" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from verify" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from verify" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from verify" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from import" -l data-dir -d 'The data directory to create; it must not exist' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from import" -s o -l output -d 'Output format (json: the report as one object)' -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from import" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from import" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from import" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from import" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from import" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from import" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from import" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Print every record: offset, byte position, timestamp, size, CRC, key, headers, value'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check checksums, offsets, file names, indexes and tails; exit 4 when anything is wrong'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from help" -f -a "import" -d 'Import a DriftQ v1 WAL (JSON Lines, `driftqd -wal`) into a new data directory: topics, messages and group positions'
complete -c driftq -n "__fish_driftq_using_subcommand wal; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and not __fish_seen_subcommand_from gen-token hash-token help" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand auth; and not __fish_seen_subcommand_from gen-token hash-token help" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand auth; and not __fish_seen_subcommand_from gen-token hash-token help" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand auth; and not __fish_seen_subcommand_from gen-token hash-token help" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand auth; and not __fish_seen_subcommand_from gen-token hash-token help" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand auth; and not __fish_seen_subcommand_from gen-token hash-token help" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and not __fish_seen_subcommand_from gen-token hash-token help" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and not __fish_seen_subcommand_from gen-token hash-token help" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and not __fish_seen_subcommand_from gen-token hash-token help" -s h -l help -d 'Print help'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and not __fish_seen_subcommand_from gen-token hash-token help" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and not __fish_seen_subcommand_from gen-token hash-token help" -f -a "gen-token" -d 'Make a random token (256 bits) and print it with the hash the auth file takes'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and not __fish_seen_subcommand_from gen-token hash-token help" -f -a "hash-token" -d 'Print the SHA-256 of TOKEN as the auth file\'s `token_sha256` ("-" reads it from stdin, which keeps it out of the shell\'s history)'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and not __fish_seen_subcommand_from gen-token hash-token help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from gen-token" -l name -d 'Also print an auth-file entry for a principal of this name' -r
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from gen-token" -s o -l output -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from gen-token" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from gen-token" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from gen-token" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from gen-token" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from gen-token" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from gen-token" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from gen-token" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from gen-token" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from gen-token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from gen-token" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from hash-token" -s o -l output -r -f -a "table\t'Aligned text for people'
wide\t'The table with more columns, where a command has more to show (kubectl\'s `-o wide`)'
json\t'JSON for scripts (NDJSON for streams of records)'
yaml\t'YAML: one document per record (the JSON output, as YAML)'"
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from hash-token" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from hash-token" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from hash-token" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from hash-token" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from hash-token" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from hash-token" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from hash-token" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from hash-token" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from hash-token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from hash-token" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "gen-token" -d 'Make a random token (256 bits) and print it with the hash the auth file takes'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "hash-token" -d 'Print the SHA-256 of TOKEN as the auth file\'s `token_sha256` ("-" reads it from stdin, which keeps it out of the shell\'s history)'
complete -c driftq -n "__fish_driftq_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c driftq -n "__fish_driftq_using_subcommand completions" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand completions" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand completions" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand completions" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand completions" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand completions" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand completions" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand completions" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand completions" -s h -l help -d 'Print help'
complete -c driftq -n "__fish_driftq_using_subcommand completions" -s V -l version -d 'Print version'
complete -c driftq -n "__fish_driftq_using_subcommand man" -l url -d 'Server URL (client commands) [default: the current context\'s, else http://127.0.0.1:8080]' -r
complete -c driftq -n "__fish_driftq_using_subcommand man" -l context -d 'Named server to use (`driftq context list`), after --url and DRIFTQ_URL' -r
complete -c driftq -n "__fish_driftq_using_subcommand man" -l timeout -d 'How long a request may take, and how long writes wait out backpressure (429/503)' -r
complete -c driftq -n "__fish_driftq_using_subcommand man" -l ca-cert -d 'PEM file of the CA an https server\'s certificate must chain to (instead of the system\'s roots) [default: the context\'s]' -r -F
complete -c driftq -n "__fish_driftq_using_subcommand man" -l token -d 'Token sent as `Authorization: Bearer` [default: the context\'s]' -r
complete -c driftq -n "__fish_driftq_using_subcommand man" -s v -l verbose -d 'Say each HTTP call on stderr: method, URL, status, milliseconds'
complete -c driftq -n "__fish_driftq_using_subcommand man" -l insecure -d 'Do not check an https server\'s certificate at all (said on stderr every time)'
complete -c driftq -n "__fish_driftq_using_subcommand man" -l no-headers -d 'Tables print their rows without the header row'
complete -c driftq -n "__fish_driftq_using_subcommand man" -s h -l help -d 'Print help'
complete -c driftq -n "__fish_driftq_using_subcommand man" -s V -l version -d 'Print version'

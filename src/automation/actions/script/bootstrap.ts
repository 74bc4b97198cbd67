// The Python program each aws:executeScript run starts in the runner container (`python3 -c`). It
// reads one JSON request on stdin ({script, handler, events, context}), writes the script to
// <dir>/customer_script.py (the name AWS's tracebacks show), imports it as a module, calls
// handler(events, context) and answers one JSON envelope on its stdout. The script's own stdout and
// stderr (print(), its child processes) go to a log file, never to that stdout, so nothing the script
// writes can be taken for the envelope; the envelope carries the log's beginning.
//
// Envelope: {"status": "ok", "payload": "<the return value as JSON text>", "log", "logBytes"} or
// {"status": "<script|handler|exception|serialize|too-large>", "message", "log", "logBytes"}.

/** AWS: "The JSON representation of the object returned by your function. Up to 100KB is returned." */
export const MAX_PAYLOAD_BYTES = 100 * 1024;
/** The script's output kept, as Run Command keeps a step's Output (24,000 characters). */
export const MAX_LOG_CHARS = 24_000;

export const BOOTSTRAP = `
import importlib.util, json, os, shutil, sys, traceback

run_dir = sys.argv[1]
real_stdout = os.fdopen(os.dup(1), 'w', encoding='utf-8')
request = json.loads(sys.stdin.buffer.read().decode('utf-8'))
os.makedirs(run_dir, exist_ok=True)
path = os.path.join(run_dir, 'customer_script.py')
log_path = os.path.join(run_dir, 'output.log')
with open(path, 'w', encoding='utf-8') as f:
    f.write(request['script'])

devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(devnull, 0)
log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.dup2(log_fd, 1)
os.dup2(log_fd, 2)
os.chdir(run_dir)
sys.path.insert(0, run_dir)


def read_log():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    try:
        size = os.path.getsize(log_path)
        with open(log_path, 'rb') as f:
            head = f.read(${MAX_LOG_CHARS} * 4)
        return head.decode('utf-8', errors='replace')[:${MAX_LOG_CHARS}], size
    except OSError:
        return '', 0


def answer(envelope):
    envelope['log'], envelope['logBytes'] = read_log()
    shutil.rmtree(run_dir, ignore_errors=True)
    real_stdout.write(json.dumps(envelope, ensure_ascii=False))
    real_stdout.flush()
    os._exit(0)


def described(error):
    # AWS's shape: the traceback of the script's frames, a blank line, then "<Type> - <message>".
    if isinstance(error, SyntaxError) and error.filename == path:
        return ''.join(traceback.format_exception_only(type(error), error)).rstrip()
    frames = [f for f in traceback.extract_tb(error.__traceback__) if not f.filename.startswith('<')]
    text = 'Traceback (most recent call last):\\n' + ''.join(traceback.format_list(frames))
    return text + '\\n' + type(error).__name__ + ' - ' + str(error)


spec = importlib.util.spec_from_file_location('customer_script', path)
module = importlib.util.module_from_spec(spec)
sys.modules['customer_script'] = module
try:
    spec.loader.exec_module(module)
except BaseException as error:
    answer({'status': 'script', 'message': described(error)})

name = request['handler']
if not hasattr(module, name):
    answer({'status': 'handler', 'message': "AttributeError - module 'customer_script' has no attribute '" + name + "'"})
handler = getattr(module, name)
if not callable(handler):
    answer({'status': 'handler', 'message': "TypeError - '" + type(handler).__name__ + "' object is not callable"})

try:
    result = handler(request['events'], request['context'])
except BaseException as error:
    answer({'status': 'exception', 'message': described(error)})

try:
    payload = json.dumps(result, ensure_ascii=False, allow_nan=False)
except (TypeError, ValueError, RecursionError) as error:
    answer({'status': 'serialize', 'message': type(error).__name__ + ' - ' + str(error)})

size = len(payload.encode('utf-8'))
if size > ${MAX_PAYLOAD_BYTES}:
    answer({'status': 'too-large', 'message': str(size)})
answer({'status': 'ok', 'payload': payload})
`;

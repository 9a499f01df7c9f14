<?php
// The pages of the legacy example app. Outside public/, so never reachable as a script.
declare(strict_types=1);

function layout(string $title, string $body): void
{
    $t = htmlspecialchars($title);
    echo "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{$t}</title>",
        '<link rel="stylesheet" href="/assets/style.css"></head><body>',
        "<h1>{$t}</h1>{$body}",
        '<nav><a href="/">home</a> · <a href="/users/42">user 42</a> · <a href="/login">login</a> · ',
        '<a href="/upload">upload</a> · <a href="/stream">stream</a> · <a href="/server">server params</a></nav>',
        "</body></html>\n";
}

function json_out(mixed $data, int $status = 200): void
{
    http_response_code($status);
    header('Content-Type: application/json');
    echo json_encode($data, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
}

function page_home(): void
{
    $user = htmlspecialchars($_COOKIE['user'] ?? 'stranger');
    layout('Legacy PHP app', "<p>Hello, {$user}. This page is rendered by PHP behind Switchyard.</p>"
        . '<img src="/assets/logo.png" alt="logo" width="32" height="32">');
}

function page_user(string $id): void
{
    json_out(['id' => (int) $id, 'name' => 'user ' . $id, 'servedBy' => 'php']);
}

/** Everything PHP saw of the request: the FastCGI params, cookies, GET/POST and body size. */
function page_server(): void
{
    $server = $_SERVER;
    unset($server['argv'], $server['argc']);
    json_out([
        'server' => $server,
        'get' => $_GET,
        'post' => $_POST,
        'cookies' => $_COOKIE,
        'bodyLength' => strlen((string) file_get_contents('php://input')),
        'bodySha1' => sha1((string) file_get_contents('php://input')),
    ]);
}

function page_login_form(): void
{
    layout('Log in', '<form method="post" action="/login"><input name="user" placeholder="name">'
        . '<input name="password" type="password"><button>Log in</button></form>');
}

function page_login(): void
{
    $user = trim((string) ($_POST['user'] ?? ''));
    if ($user === '') {
        http_response_code(422);
        layout('Log in', '<p>Please give a name.</p>');
        return;
    }
    setcookie('user', $user, ['path' => '/', 'httponly' => true, 'samesite' => 'Lax']);
    setcookie('session', bin2hex(random_bytes(8)), ['path' => '/', 'httponly' => true, 'samesite' => 'Lax']);
    header('Location: /', true, 303);
}

function page_upload_form(): void
{
    layout('Upload', '<form method="post" action="/upload" enctype="multipart/form-data">'
        . '<input type="file" name="file"><button>Upload</button></form>');
}

function page_upload(): void
{
    $file = $_FILES['file'] ?? null;
    if (!is_array($file) || ($file['error'] ?? UPLOAD_ERR_NO_FILE) !== UPLOAD_ERR_OK) {
        json_out(['error' => 'no file uploaded', 'code' => $file['error'] ?? null], 400);
        return;
    }
    // Keep the client's name but only its safe characters; uploads are never executed.
    $name = preg_replace('/[^A-Za-z0-9._-]/', '_', basename((string) $file['name']));
    $target = __DIR__ . '/../public/uploads/' . $name;
    if (!move_uploaded_file($file['tmp_name'], $target)) {
        json_out(['error' => 'cannot store the upload'], 500);
        return;
    }
    json_out(['stored' => '/uploads/' . $name, 'size' => filesize($target), 'sha1' => sha1_file($target)], 201);
}

/** Flushes several chunks with pauses; X-Accel-Buffering: no asks the gateway not to hold them. */
function page_stream(): void
{
    header('Content-Type: text/plain; charset=utf-8');
    header('X-Accel-Buffering: no');
    // php.ini's output_buffering would hold the chunks back; flush() alone does not empty it.
    while (ob_get_level() > 0) {
        ob_end_flush();
    }
    $chunks = max(1, min(20, (int) ($_GET['chunks'] ?? 5)));
    $pause = max(0, min(2000, (int) ($_GET['pause'] ?? 200)));
    for ($i = 1; $i <= $chunks; $i++) {
        echo "chunk {$i} of {$chunks}\n";
        flush();
        if ($i < $chunks) {
            usleep($pause * 1000);
        }
    }
}

function page_warning(): void
{
    // A deliberate warning: it goes to FastCGI stderr, never into the page.
    trigger_error('legacy warning for the demo', E_USER_WARNING);
    layout('Warning', '<p>This page logged a PHP warning; the gateway logs it with the request id.</p>');
}

function page_fatal(): void
{
    // A deliberate fatal error: PHP answers 500 with no body and the message on stderr.
    undefined_legacy_function();
}

function page_created(): void
{
    header('Status: 201 Created');
    header('Location: /users/43');
    json_out(['id' => 43], 201);
}

/** Lets the gateway send the file (X-Accel-Redirect), as apps behind nginx do for downloads. */
function page_download(): void
{
    header('Content-Type: text/plain; charset=utf-8');
    header('Content-Disposition: attachment; filename="report.txt"');
    header('X-Accel-Redirect: /internal/report.txt');
}

function page_redirect(): void
{
    header('Location: /users/42');
}

/** About 1 ms of CPU work, for the benchmark. */
function page_work(): void
{
    $start = hrtime(true);
    $h = 'seed';
    $rounds = 0;
    while (hrtime(true) - $start < 1_000_000) {
        $h = md5($h);
        $rounds++;
    }
    header('Content-Type: text/plain');
    echo "worked {$rounds} rounds: {$h}\n";
}

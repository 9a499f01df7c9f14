<?php
// Front controller of the legacy example app: every request that is not a static file lands
// here (try_files $uri $uri/ /index.php?$query_string) and is routed by path.
declare(strict_types=1);

require __DIR__ . '/../src/pages.php';

$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) ?: '/';
$method = $_SERVER['REQUEST_METHOD'] ?? 'GET';

$routes = [
    ['GET', '#^/$#', 'page_home'],
    ['GET', '#^/users/(\d+)$#', 'page_user'],
    ['GET', '#^/server$#', 'page_server'],
    ['POST', '#^/server$#', 'page_server'],
    ['GET', '#^/login$#', 'page_login_form'],
    ['POST', '#^/login$#', 'page_login'],
    ['GET', '#^/upload$#', 'page_upload_form'],
    ['POST', '#^/upload$#', 'page_upload'],
    ['GET', '#^/stream$#', 'page_stream'],
    ['GET', '#^/warning$#', 'page_warning'],
    ['GET', '#^/fatal$#', 'page_fatal'],
    ['POST', '#^/created$#', 'page_created'],
    ['GET', '#^/download$#', 'page_download'],
    ['GET', '#^/redirect$#', 'page_redirect'],
    ['GET', '#^/work$#', 'page_work'],
];

foreach ($routes as [$m, $pattern, $handler]) {
    if (preg_match($pattern, $path, $matches) === 1) {
        if ($m !== $method && !($m === 'GET' && $method === 'HEAD')) {
            continue;
        }
        $handler(...array_slice($matches, 1));
        exit;
    }
}

http_response_code(404);
header('Content-Type: text/html; charset=utf-8');
layout('Not found', '<p>No page at ' . htmlspecialchars($path) . '.</p>');

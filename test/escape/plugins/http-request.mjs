// http.get: the http module's own route to a socket.
import http from 'node:http';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('http-request', (t) => new Promise((resolve, reject) => {
  http.get(`http://127.0.0.1:${t.httpPort}/v/http-request`, (response) => {
    let body = '';
    response.on('data', (chunk) => { body += chunk; });
    response.on('end', () => resolve(body));
  }).on('error', reject);
}));

import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { createApiKeyStore } from './lib/api-key-store';
import { createQueryClient } from './query-client';
import { createProxyClient, TRPCProvider } from './trpc';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const keys = createApiKeyStore(window.sessionStorage);
const queryClient = createQueryClient();
const trpcClient = createProxyClient(keys);

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <App keys={keys} />
      </TRPCProvider>
    </QueryClientProvider>
  </StrictMode>,
);

"""Small fakes of cloud services that listen on 127.0.0.1 and speak the real wire protocol."""

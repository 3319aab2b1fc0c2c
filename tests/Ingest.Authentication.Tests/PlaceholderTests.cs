namespace Ingest.Authentication.Tests; public class PlaceholderTests { }

// The stock-Lucene baseline for bench/quality_eval.py: Lucene's own PersianAnalyzer, BM25 and
// query parser, as a search engine built on Lucene or Elasticsearch with its Persian analyzer
// gives them out of the box.
//
//   java -cp <lucene jars>:<this> LuceneBaseline COLLECTION.tsv TOPICS.tsv RUN.out [DEPTH]
//
// COLLECTION.tsv: docid \t title \t lead \t body, one document a line (no tabs or newlines inside);
// TOPICS.tsv: qid \t query. RUN.out gets TREC run lines: qid Q0 docid rank score lucene.
// Fields are weighted title 3, lead 1.5, body 1 (khabar weights the title 3 over all its text); the query parser's
// default operator is OR, Lucene's and Elasticsearch's default for a match query.

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.fa.PersianAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

public class LuceneBaseline {
    public static void main(String[] args) throws Exception {
        int depth = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        Analyzer analyzer = new PersianAnalyzer();
        Directory directory = new ByteBuffersDirectory();
        IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity());
        try (IndexWriter writer = new IndexWriter(directory, config);
             BufferedReader in = Files.newBufferedReader(Paths.get(args[0]), StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] parts = line.split("\t", -1);
                Document doc = new Document();
                doc.add(new StringField("id", parts[0], Field.Store.YES));
                doc.add(new TextField("title", parts[1], Field.Store.NO));
                doc.add(new TextField("lead", parts[2], Field.Store.NO));
                doc.add(new TextField("body", parts[3], Field.Store.NO));
                writer.addDocument(doc);
            }
        }
        Map<String, Float> boosts = new HashMap<>();
        boosts.put("title", 3.0f);
        boosts.put("lead", 1.5f);
        boosts.put("body", 1.0f);
        try (DirectoryReader reader = DirectoryReader.open(directory);
             BufferedReader topics = Files.newBufferedReader(Paths.get(args[1]), StandardCharsets.UTF_8);
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(Paths.get(args[2]), StandardCharsets.UTF_8))) {
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setSimilarity(new BM25Similarity());
            MultiFieldQueryParser parser = new MultiFieldQueryParser(new String[] {"title", "lead", "body"}, analyzer, boosts);
            String line;
            while ((line = topics.readLine()) != null) {
                String[] parts = line.split("\t", 2);
                String text = QueryParser.escape(parts[1]).trim();
                if (text.isEmpty()) continue;
                Query query = parser.parse(text);
                ScoreDoc[] hits = searcher.search(query, depth).scoreDocs;
                for (int rank = 0; rank < hits.length; rank++) {
                    String id = searcher.doc(hits[rank].doc).get("id");
                    out.printf("%s Q0 %s %d %.6f lucene%n", parts[0], id, rank + 1, hits[rank].score);
                }
            }
        }
    }
}

package app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot + Spring Data JPA app on HikariCP and H2 that knows nothing of Rowcast. It reads one
 * command a line from stdin ("add BOARD TITLE", "fail BOARD TITLE", "rename ID TITLE",
 * "jdbc BOARD TITLE", "exit") and answers each with one line.
 */
@SpringBootApplication
public class TaskApp {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(TaskApp.class);
        app.setDefaultProperties(Map.of("spring.main.banner-mode", "off", "spring.jpa.open-in-view", "false"));
        System.exit(SpringApplication.exit(app.run(args)));
    }

    @Bean
    CommandLineRunner commands(TaskService service, DataSource dataSource) {
        return args -> {
            System.out.println("datasource " + dataSource.getClass().getName());
            System.out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
                String[] words = line.split(" ", 3);
                switch (words[0]) {
                    case "add" -> System.out.println("added " + service.add(Long.parseLong(words[1]), words[2]).getId());
                    case "fail" -> {
                        try {
                            service.addThenFail(Long.parseLong(words[1]), words[2]);
                        } catch (IllegalStateException e) {
                            System.out.println("rolled back " + words[2]);
                        }
                    }
                    case "rename" -> {
                        service.rename(Long.parseLong(words[1]), words[2]);
                        System.out.println("renamed " + words[1]);
                    }
                    case "jdbc" -> {
                        service.insertWithJdbc(Long.parseLong(words[1]), words[2]);
                        System.out.println("inserted " + words[2]);
                    }
                    default -> System.out.println("unknown command " + line);
                }
            }
        };
    }
}
